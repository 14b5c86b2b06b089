// The figure formatting lives in Figures; re-exported so `import ExecutionCore` brings
// `DurationText`, `NumberText` and `FigureText` as before.
@_exported import Figures
