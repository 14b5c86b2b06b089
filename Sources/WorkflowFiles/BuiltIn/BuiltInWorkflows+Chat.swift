extension BuiltInWorkflows {
  /// `examples/chat.yaml`, embedded (a test keeps the two byte-identical).
  public static let chat = BuiltInWorkflow(
    name: "chat", fileName: "chat.yaml",
    description: "Chat completion with retrieval; history, analytics and audit run later",
    yaml: #"""
      # Chat request: what the user waits for, and what runs later.
      #
      # The user waits for auth, retrieval, the model and the response (the critical path, ~0.5s
      # at the median, most of it inference). Saving history, the analytics event, the moderation
      # audit and the long-term memory update happen after the response, on queues, so a slow
      # database, analytics API or memory model never slows the chat down. Run all-sync and the user
      # waits for them too: ~0.7s at the median, with a far longer tail.
      workflow: chat
      description: Chat completion with retrieval; history, analytics and audit run later

      # A few chats per second: gentle enough to watch on the dashboard.
      load:
        rate: 3
        arrivals: poisson

      queues:
        # Writes to the conversation store. 3 runs/s x ~25ms = 0.08 busy workers of 2: lots of headroom.
        history:
          workers: 2
          capacity: 200
          when-full: reject
        # Analytics events are nice to have: when the queue is full, the oldest event goes.
        events:
          workers: 2
          capacity: 500
          when-full: drop-oldest
        # Audit records; also used by the agent workflow (same name, same settings = one shared queue).
        audit:
          workers: 1
          capacity: 200
          when-full: reject
        # Long-term memory: a small model call per chat. 3 runs/s x ~240ms = 0.7 busy workers of 4.
        memory:
          workers: 4
          capacity: 300
          when-full: reject

      steps:
        # Session token checked against a local cache.
        - id: auth
          mode: blocking
          simulate:
            latency: { min: 4ms, max: 12ms }

        # Top-k search in the vector database: usually quick, with a slow tail.
        - id: retrieve-context
          mode: blocking
          after: [auth]
          simulate:
            latency: { p50: 35ms, p99: 120ms }

        # The model call: the long one. Log-normal, median 450ms, one in a hundred past 1.4s.
        - id: model-inference
          mode: blocking
          after: [retrieve-context]
          timeout: 5s
          simulate:
            latency: { p50: 450ms, p99: 1.4s }
            failure-rate: 0.005

        # Serialise and send the answer.
        - id: respond
          mode: blocking
          after: [model-inference]
          simulate:
            latency: 2ms

        # Append the exchange to the user's history; retried, because losing it is visible to the user.
        - id: save-history
          mode: background
          after: [model-inference]
          queue: history
          timeout: 2s
          retry: { attempts: 4, backoff: 100ms, max-backoff: 2s }
          simulate:
            latency: { p50: 25ms, p99: 150ms }
            failure-rate: 0.01

        # One analytics event per chat, sent to an external analytics API with a slow tail; a rare
        # failure is simply retried once.
        - id: analytics-event
          mode: background
          after: [respond]
          queue: events
          retry: { attempts: 2, backoff: 50ms }
          simulate:
            latency: { p50: 60ms, p99: 400ms }
            failure-rate: 0.01

        # A small classifier scores the answer for the moderation audit: real CPU work (~15ms).
        - id: moderation-audit
          mode: background
          after: [model-inference]
          queue: audit
          timeout: 1s
          simulate:
            latency: { p50: 12ms, p99: 40ms }
            cpu: true

        # A small model extracts facts worth remembering from the exchange and stores them in the
        # user's long-term memory: useful for the next chat, never worth making this one wait.
        - id: update-memory
          mode: background
          after: [model-inference]
          queue: memory
          timeout: 3s
          retry: { attempts: 3, backoff: 200ms, max-backoff: 2s }
          simulate:
            latency: { p50: 200ms, p99: 800ms }
            failure-rate: 0.01

      """#)
}
