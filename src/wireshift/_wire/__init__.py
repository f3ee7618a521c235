"""Reading the wire, shared by accumulation and translation: input of every kind into payloads
(:mod:`._input`), payloads of either format into models with drift repaired and noted
(:mod:`._chat_chunks`, :mod:`._response_events`), and the plain readings the fast paths use
(:mod:`._plain`)."""
