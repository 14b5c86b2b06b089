extension BuiltInWorkflows {
  /// `examples/agent.yaml`, embedded (a test keeps the two byte-identical).
  public static let agent = BuiltInWorkflow(
    name: "agent", fileName: "agent.yaml",
    description: "Agent tool call; CRM sync and audit log run later",
    yaml: #"""
      # An agent tool call: plan, call the tool, summarise; the CRM sync and audit log run later.
      #
      # The CRM is an external system that fails now and then. Its sync is background work with
      # retries, so a CRM outage never blocks the agent; the few syncs that fail every attempt
      # become dead letters, which you will see appear during normal operation.
      workflow: agent
      description: Agent tool call; CRM sync and audit log run later

      # Two tool calls a second.
      load:
        rate: 2
        arrivals: poisson

      queues:
        # 2 runs/s x ~1.3 attempts x ~200ms = ~0.5 busy workers of 2.
        crm:
          workers: 2
          capacity: 100
          when-full: reject
        # Shared with the chat workflow: same name, same settings.
        audit:
          workers: 1
          capacity: 200
          when-full: reject

      steps:
        # The model decides which tool to call and with what arguments.
        - id: plan
          mode: blocking
          simulate:
            latency: { p50: 300ms, p99: 900ms }

        # The external tool's API: usually quick, with a long tail and the odd error (retried once).
        - id: call-tool
          mode: blocking
          after: [plan]
          timeout: 3s
          retry: { attempts: 2, backoff: 50ms, max-backoff: 200ms }
          simulate:
            latency: { p50: 180ms, p99: 1.2s }
            failure-rate: 0.02

        # The model turns the tool's answer into the reply.
        - id: summarize
          mode: blocking
          after: [call-tool]
          simulate:
            latency: { p50: 250ms, p99: 800ms }

        # Push the interaction, with its summary, to the CRM. It fails 1 call in 5; with 3
        # attempts, 0.2^3 = 0.8% of syncs exhaust their attempts: about one dead letter a minute at 2 runs/s.
        - id: crm-sync
          mode: background
          after: [summarize]
          queue: crm
          timeout: 2s
          retry: { attempts: 3, backoff: 200ms, max-backoff: 2s }
          simulate:
            latency: { p50: 150ms, p99: 600ms }
            failure-rate: 0.2

        # Append what the agent did to the audit log.
        - id: audit-log
          mode: background
          after: [summarize]
          queue: audit
          simulate:
            latency: { min: 2ms, max: 6ms }

      """#)
}
