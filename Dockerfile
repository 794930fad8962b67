# Descenso: one stateless uvicorn process per container; scale with --workers or more containers.
FROM python:3.11-slim
# The worker pool already runs one job per core: BLAS threads on top of it only contend.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 OPENBLAS_NUM_THREADS=1
WORKDIR /srv/descenso
COPY pyproject.toml setup.py MANIFEST.in README.md ./
COPY app ./app
COPY static ./static
COPY templates ./templates
RUN pip install --no-cache-dir .
EXPOSE 8000
USER nobody
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--ws-per-message-deflate", "false"]
