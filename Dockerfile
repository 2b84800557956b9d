# syntax=docker/dockerfile:1
# Build stage: install the app (with its JSON lesson data, shipped as package data) and its
# dependencies into a virtual environment. Only this stage has pip's work files.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /srv/lstm-cell-lab
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY app ./app
RUN /opt/venv/bin/pip install . \
 && cd / && /opt/venv/bin/python -c "import app.lessons"  # fails if the lesson JSON was not installed

# Run stage: the virtual environment, the page's files, and an unprivileged user.
# Every setting is an environment variable (docs/deployment.md lists them); override with
# `docker run -e LSTM_LAB_FRAME_ANCESTORS="https://moodle.school.example" ...`.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    LSTM_LAB_ROOT=/srv/lstm-cell-lab \
    LSTM_LAB_HOST=0.0.0.0 \
    LSTM_LAB_PORT=8000 \
    LSTM_LAB_WORKERS=1 \
    LSTM_LAB_FRAME_ANCESTORS="" \
    LSTM_LAB_BODY_TIMEOUT=10 \
    LSTM_LAB_LIMIT_CONCURRENCY=1000 \
    LSTM_LAB_TIMEOUT_KEEP_ALIVE=5 \
    LSTM_LAB_HEADER_TIMEOUT=5 \
    LSTM_LAB_SHUTDOWN_TIMEOUT=3 \
    LSTM_LAB_ALLOWED_HOSTS=""
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv/lstm-cell-lab
COPY static ./static
COPY templates ./templates
COPY docs/teachers.md ./docs/teachers.md
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin lab
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"LSTM_LAB_PORT\"]}/healthz', timeout=2)"
# Exec form: the server is PID 1 and gets `docker stop`'s SIGTERM itself (it exits within
# LSTM_LAB_SHUTDOWN_TIMEOUT, well inside Docker's 10 s before SIGKILL).
CMD ["lstm-cell-lab"]
