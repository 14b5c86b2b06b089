extension BuiltInWorkflows {
  /// `examples/overload.yaml`, embedded (a test keeps the two byte-identical).
  public static let overload = BuiltInWorkflow(
    name: "overload", fileName: "overload.yaml",
    description: "A queue too small for its load; rejections show up within seconds",
    yaml: #"""
      # Overload on purpose: a background queue that cannot keep up, to show rejection.
      #
      # Runs arrive at 20 per second, but the single thumbnail worker needs 80ms per step, so it
      # finishes only 12.5 a second. The queue holds 10; once it is full, new steps are rejected,
      # visibly, while the critical path (a 3ms upload) stays fast.
      workflow: overload
      description: A queue too small for its load; rejections show up within seconds

      load:
        rate: 20
        arrivals: poisson

      queues:
        # 1 worker x (1 / 80ms) = 12.5 steps/s, against 20 arriving: it overflows by design.
        thumbnails:
          workers: 1
          capacity: 10
          when-full: reject

      steps:
        # Accept the image upload.
        - id: upload
          mode: blocking
          simulate:
            latency: 3ms

        # Render a thumbnail, later.
        - id: render-thumbnail
          mode: background
          after: [upload]
          queue: thumbnails
          simulate:
            latency: 80ms

      """#)
}
