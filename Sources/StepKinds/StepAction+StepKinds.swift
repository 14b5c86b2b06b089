import ExecutionCore

extension StepAction {
  /// A step that runs a process and returns its stdout as its output (see `ProcessStep`).
  /// `workflow` is the value of `LANES_WORKFLOW`; `outputLimit` should be the step's
  /// `StepDefinition.outputLimit` (stdout past it stops the process early).
  public static func exec(
    _ spec: ExecSpec, workflow: String = "", outputLimit: Int = StepDefinition.defaultOutputLimit
  ) -> StepAction {
    .transform { context in
      try await ProcessStep.run(spec, context: context, workflow: workflow, outputLimit: outputLimit)
    }
  }

  /// A step that calls an HTTP endpoint and returns the response body as its output (see
  /// `HTTPStep`). `outputLimit` should be the step's `StepDefinition.outputLimit`.
  public static func http(_ spec: HTTPSpec, outputLimit: Int = StepDefinition.defaultOutputLimit)
    -> StepAction
  {
    .transform { context in try await HTTPStep.run(spec, context: context, outputLimit: outputLimit) }
  }
}
