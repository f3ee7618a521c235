"""Chat Completions (`/v1/chat/completions`) wire models."""
