import ExecutionCore

extension DashboardState {
  /// Starts the A/B comparison on the selected workflow: all-sync first, recording as it goes.
  mutating func startComparison(context: ActionContext) {
    guard comparison == nil else {
      say("a comparison is already running: esc cancels it", .warning, context)
      return
    }
    guard let index = workflowIndex(in: context.snapshot), let workflow = context.snapshot?.workflows[index]
    else {
      say("no workflow to compare", .warning, context)
      return
    }
    let control = context.control
    let originalMode = control.snapshot().mode
    control.setMode(.allSync)
    let recording = control.startRecording(workflow: workflow.name)
    comparison = ComparisonProgress(
      workflow: workflow.name, phaseStartedAt: context.now, phaseLength: context.comparisonPhase,
      recording: recording, originalMode: originalMode)
    if overlay != .help { overlay = .none }
    let phase = DurationText.format(context.comparisonPhase)
    say("comparing \(workflow.name): all-sync for \(phase), then hybrid for \(phase)", .info, context)
  }

  /// Moves a comparison to its next phase when the current one is over; true if anything changed.
  public mutating func advanceComparison(context: ActionContext) -> Bool {
    guard var progress = comparison, context.now - progress.phaseStartedAt >= progress.phaseLength
    else { return false }
    let control = context.control
    let collected = control.finishRecording(progress.recording) ?? .empty
    switch progress.phase {
    case .allSync:
      control.setMode(.hybrid)
      progress.allSync = collected
      progress.phase = .hybrid
      progress.phaseStartedAt = context.now
      progress.recording = control.startRecording(workflow: progress.workflow)
      comparison = progress
      say("comparing \(progress.workflow): hybrid phase", .info, context)
    case .hybrid:
      control.setMode(progress.originalMode)
      let result = ComparisonResult(
        workflow: progress.workflow, allSync: progress.allSync ?? .empty, hybrid: collected)
      comparison = nil
      overlay = .comparison(result)
      say("comparison of \(progress.workflow) done (esc closes the summary)", .info, context)
    }
    return true
  }

  /// Stops a comparison early and restores the mode it found.
  mutating func cancelComparison(context: ActionContext) {
    guard let progress = comparison else { return }
    _ = context.control.finishRecording(progress.recording)
    context.control.setMode(progress.originalMode)
    comparison = nil
    say("comparison cancelled; mode back to \(progress.originalMode.rawValue)", .warning, context)
  }
}
