import Foundation

extension Payload {
  /// Encodes `value` as JSON (compact; `JSONEncoder` emits only valid JSON, so it is not parsed again).
  public init(encoding value: some Encodable) throws {
    self.init(trusted: Array(try JSONEncoder().encode(value)))
  }

  /// Decodes the JSON text as `type`.
  public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
    try JSONDecoder().decode(type, from: Data(bytes))
  }
}

extension StepContext {
  /// The run's input decoded as `type`.
  public func decodeInput<T: Decodable>(_ type: T.Type = T.self) throws -> T {
    try input.decode(type)
  }

  /// The output of dependency `id` decoded as `type`; throws for a step this one does not depend on.
  public func decodeOutput<T: Decodable>(of id: String, as type: T.Type = T.self) throws -> T {
    try output(of: id).decode(type)
  }
}

/// The body of a `StepAction.codable` step: the run's input in the program's type, the step's
/// context; returns the output (run like `StepClosure`, without an executor hop of its own).
public typealias CodableStepBody<In, Out> =
  nonisolated(nonsending) @Sendable (In, StepContext) async throws
  -> Out

extension StepAction {
  /// A Swift closure working in the program's own types: it gets the run's input decoded as `In`
  /// and the step's context (for its dependencies' outputs), and returns its output, encoded as
  /// JSON. An input that does not decode, or an output that does not encode, fails the attempt.
  ///
  /// ```swift
  /// .codable { (order: Order, context) -> Receipt in
  ///   let charge = try context.decodeOutput(of: "charge-card", as: Charge.self)
  ///   return Receipt(order: order.id, amount: charge.amount)
  /// }
  /// ```
  public static func codable<In: Decodable & SendableMetatype, Out: Encodable & SendableMetatype>(
    _ body: @escaping CodableStepBody<In, Out>
  ) -> StepAction {
    .transform { context in
      let input = try context.input.decode(In.self)
      return try Payload(encoding: try await body(input, context))
    }
  }
}
