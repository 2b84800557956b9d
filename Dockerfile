# syntax=docker/dockerfile:1
# Build stage: install the app and its dependencies into a virtual environment.
FROM python:3.11-slim AS build
WORKDIR /srv/lstm-cell-lab
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY app ./app
RUN /opt/venv/bin/pip install --no-cache-dir .

# Run stage: the virtual environment, the page's files, and an unprivileged user.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    LSTM_LAB_HOST=0.0.0.0 \
    LSTM_LAB_PORT=8000 \
    LSTM_LAB_ROOT=/srv/lstm-cell-lab
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv/lstm-cell-lab
COPY static ./static
COPY templates ./templates
RUN useradd --system --uid 10001 lab
USER lab
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"LSTM_LAB_PORT\"]}/healthz', timeout=2)"
CMD ["lstm-cell-lab"]
