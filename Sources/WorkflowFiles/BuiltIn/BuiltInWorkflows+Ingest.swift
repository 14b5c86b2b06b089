extension BuiltInWorkflows {
  /// `examples/ingest.yaml`, embedded (a test keeps the two byte-identical).
  public static let ingest = BuiltInWorkflow(
    name: "ingest", fileName: "ingest.yaml",
    description: "Document ingestion; embedding, indexing and the customer webhook run later",
    yaml: #"""
      # Document ingestion: the uploader waits only until the document is accepted and chunked.
      #
      # Embedding, indexing and the customer's webhook happen afterwards, on queues: the upload
      # returns in ~30ms even though the whole pipeline takes a few hundred milliseconds.
      workflow: ingest
      description: Document ingestion; embedding, indexing and the customer webhook run later

      # Two uploads a second, evenly spaced like a batch importer.
      load:
        rate: 2
        arrivals: constant

      queues:
        # Embedding burns CPU; two workers on a two-core box, a few ms per document.
        embeddings:
          workers: 2
          capacity: 100
          when-full: reject
        # Writes to the search index: 2 runs/s x ~30ms = 0.06 busy workers.
        indexing:
          workers: 2
          capacity: 200
          when-full: reject
        # Calls to customer endpoints are slow and flaky, so more workers and room for retries.
        webhooks:
          workers: 4
          capacity: 200
          when-full: reject

      steps:
        # Check type, size and owner of the upload.
        - id: validate
          mode: blocking
          simulate:
            latency: { min: 2ms, max: 8ms }

        # Split the text into chunks for embedding.
        - id: chunk
          mode: blocking
          after: [validate]
          simulate:
            latency: { p50: 15ms, p99: 60ms }

        # Compute embeddings locally: CPU-bound, a few milliseconds per document.
        - id: embed
          mode: background
          after: [chunk]
          queue: embeddings
          timeout: 500ms
          simulate:
            latency: { min: 3ms, max: 8ms }
            cpu: true

        # Upsert the vectors into the index.
        - id: index
          mode: background
          after: [embed]
          queue: indexing
          timeout: 2s
          retry: { attempts: 3, backoff: 100ms, max-backoff: 1s }
          simulate:
            latency: { p50: 25ms, p99: 90ms }
            failure-rate: 0.005

        # Tell the customer the document is searchable. Their endpoint fails 1 call in 20 and is
        # sometimes slow; 5 attempts with backoff make a lost notification very rare (0.05^5).
        - id: notify-webhook
          mode: background
          after: [index]
          queue: webhooks
          timeout: 2s
          retry: { attempts: 5, backoff: 200ms, max-backoff: 5s }
          simulate:
            latency: { p50: 120ms, p99: 800ms }
            failure-rate: 0.05

      """#)
}
