"""What the media endpoints produce: embedding vectors, moderation verdicts, images, audio and transcripts.

Pure functions and small services with no HTTP in them; the thin routes in
``mockapi.resources`` (embeddings, moderations, images, audio) call these.
Services a test can script register on ``fake.services``: ``"moderations"``,
``"transcriptions"`` and ``"images"`` (the URL store).
"""
