extension BuiltInWorkflows {
  /// `examples/chat.yaml`, embedded (a test keeps the two byte-identical).
  public static let chat = BuiltInWorkflow(
    name: "chat", fileName: "chat.yaml",
    description: "Chat completion with retrieval; history, analytics and audit run later",
    yaml: #"""
      # Chat request: what the user waits for, and what runs later.
      #
      # The user waits for auth, retrieval, the model and the response (the critical path, ~0.5s
      # at the median, most of it inference). Saving history, the analytics event and the moderation
      # audit happen after the response, on queues, so a slow database never slows the chat down.
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
            latency: { min: 10ms, max: 40ms }
            failure-rate: 0.01

        # One analytics event per chat; a rare failure is simply retried once.
        - id: analytics-event
          mode: background
          after: [respond]
          queue: events
          retry: { attempts: 2, backoff: 50ms }
          simulate:
            latency: { min: 2ms, max: 10ms }
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

      """#)
}
