import ExecutionCore

extension PostgresStepStore {
  /// The lease a claim holds (`PostgresStoreOptions.lease`): the runtime extends running steps'
  /// leases every third of it, so it must be this store's, not the protocol's 30 s default.
  public var lease: Duration { options.lease }
}
