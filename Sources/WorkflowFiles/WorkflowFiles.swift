/// Reads workflow files (YAML) into validated `Topology` values, with errors at `file:line:column`.
public enum WorkflowFiles {}
