import TerminalUI
import Testing

@testable import Dashboard

@Suite("Key table")
struct KeyTableTests {
  let table = KeyTable.standard

  @Test func noKeyIsBoundTwice() {
    var seen: [Key: String] = [:]
    for binding in table.bindings {
      for key in binding.keys {
        #expect(seen[key] == nil, "\(key) is bound to \(seen[key] ?? "") and \(binding.label)")
        seen[key] = binding.label
      }
    }
  }

  @Test func arrowsAndVimKeysBothWork() {
    let pairs: [(Key, Key)] = [
      (.up, .character("k")), (.down, .character("j")), (.tab, .character("l")), (.backTab, .character("h")),
      (.character("t"), .enter), (.character("f"), .character(" ")), (.character("q"), .control("c")),
      (.character("+"), .character("=")),
    ]
    for (a, b) in pairs {
      #expect(table.binding(for: a)?.action == table.binding(for: b)?.action, "\(a) and \(b) differ")
      #expect(table.binding(for: a) != nil)
    }
  }

  @Test func everyRuntimeChangeIsMarkedAsSuch() {
    let mutating = Set(table.bindings.filter(\.mutatesRuntime).map(\.action))
    let expected: Set<DashboardAction> = [
      .trigger, .burst(10), .raiseRate, .lowerRate, .toggleWorkflowPause, .toggleQueuePause, .redrive,
      .toggleMode, .startComparison,
    ]
    #expect(mutating == expected)
  }

  @Test func footerShortensWithTheWidthButKeepsHelpAndQuit() {
    let wide = table.footerEntries(width: 200, unicode: true, readOnly: false)
    let narrow = table.footerEntries(width: 40, unicode: true, readOnly: false)
    let tiny = table.footerEntries(width: 17, unicode: true, readOnly: false)
    #expect(wide.count > narrow.count)
    #expect(narrow.count > tiny.count)
    #expect(tiny == ["? more", "q quit"])
    #expect(narrow.joined(separator: KeyTable.footerSeparator).count <= 40)
    #expect(narrow.contains("t run"))
    #expect(wide.count == table.bindings.filter { $0.footerRank != nil }.count)
    #expect(wide.contains("t/⏎ run") && wide.contains("? help"))
  }

  @Test func labelsAreDerivedFromTheKeys() {
    #expect(table.binding(for: .trigger)?.label == "t/⏎")
    #expect(table.binding(for: .trigger)?.label(unicode: false) == "t/enter")
    #expect(table.binding(for: .focusNext)?.label == "tab/l/→")
    #expect(table.binding(for: .quit)?.label == "q/^C")
    #expect(table.key(.moveSelection(-1)) == "k")
    #expect(table.key(.focusNext) == "tab")
    #expect(table.key(.toggleFreeze) == "f")
  }

  @Test func footerInReadOnlyModeLeavesOutRuntimeKeys() {
    let entries = table.footerEntries(width: 200, unicode: false, readOnly: true)
    #expect(!entries.contains { $0.hasPrefix("t/enter") || $0.hasPrefix("t ") })
    #expect(entries.contains("f/space freeze"))
  }
}
