import ExecutionCore

extension DashboardState {
  /// Starts the A/B comparison on the selected workflow: all-sync first, recording as it goes.
  /// Refused when the comparison could not measure anything: a paused workflow, or no load.
  mutating func startComparison(context: ActionContext) -> ActionEffect {
    guard comparison == nil else {
      say("a comparison is already running: \(context.key(.dismiss)) cancels it", .warning, context)
      return .none
    }
    guard let snapshot = context.snapshot, let index = workflowIndex(in: snapshot) else {
      say("no workflow to compare", .warning, context)
      return .none
    }
    let workflow = snapshot.workflows[index]
    guard workflow.state == .running else {
      say(
        "cannot compare \(workflow.name): it is \(workflow.state.rawValue) and starts no runs "
          + "(\(context.key(.toggleWorkflowPause)) resumes it)", .warning, context)
      return .none
    }
    guard workflow.rate > 0 || workflow.startedPerSecond > 0 else {
      say(
        "cannot compare \(workflow.name): it has no load (\(context.key(.raiseRate)) raises it, then "
          + "\(context.key(.startComparison)))", .warning, context)
      return .none
    }
    comparison = ComparisonProgress(
      workflow: workflow.name, phaseStartedAt: context.now, phaseLength: context.comparisonPhase,
      originalMode: workflow.modeOverride)
    if overlay != .help { overlay = .none }
    let phase = DurationText.format(context.comparisonPhase)
    say("comparing \(workflow.name): all-sync for \(phase), then hybrid for \(phase)", .info, context)
    // Only this workflow changes mode, and its runs stay out of its normal figures.
    return .send(
      .setWorkflowMode(.allSync, workflow: workflow.name, comparison: true),
      .startRecording(workflow: workflow.name))
  }

  /// Moves a comparison to its next phase when the current one is over; the effect finishes the
  /// phase's recording (its summary comes back through `absorb`) and starts the next.
  public mutating func advanceComparison(context: ActionContext) -> ActionEffect {
    guard var progress = comparison, progress.phase != .finishing,
      context.now - progress.phaseStartedAt >= progress.phaseLength, let recording = progress.recording
    else { return .none }
    switch progress.phase {
    case .allSync:
      progress.phase = .hybrid
      progress.phaseStartedAt = context.now
      progress.recording = nil
      progress.allSyncRecording = recording
      comparison = progress
      say("comparing \(progress.workflow): hybrid phase", .info, context)
      return .send(
        .finishRecording(recording), .setWorkflowMode(.hybrid, workflow: progress.workflow, comparison: true),
        .startRecording(workflow: progress.workflow))
    case .hybrid:
      progress.phase = .finishing
      comparison = progress
      return .send(.finishRecording(recording), progress.restore)
    case .finishing:
      return .none
    }
  }

  /// Stops a comparison early and restores the mode it found.
  mutating func cancelComparison(context: ActionContext) -> ActionEffect {
    guard let progress = comparison else { return .none }
    comparison = nil
    let mode = progress.originalMode?.rawValue ?? "the runtime's"
    say("comparison cancelled; \(progress.workflow) back to \(mode) mode", .warning, context)
    var commands: [RuntimeCommand] = []
    if let recording = progress.recording { commands.append(.finishRecording(recording)) }
    commands.append(progress.restore)
    return ActionEffect(commands: commands, refresh: true)
  }

  mutating func comparisonRecordingStarted(_ id: RecordingID) {
    comparison?.recording = id
  }

  mutating func comparisonRecordingFinished(
    _ id: RecordingID, summary: LatencySummary, context: ActionContext
  ) {
    guard var progress = comparison else { return }
    if id == progress.allSyncRecording {
      progress.allSync = summary
      comparison = progress
    } else if progress.phase == .finishing, id == progress.recording {
      let result = ComparisonResult(
        workflow: progress.workflow, allSync: progress.allSync ?? .empty, hybrid: summary)
      comparison = nil
      overlay = .comparison(result)
      say("comparison of \(progress.workflow) done", .info, context)
    }
  }
}
