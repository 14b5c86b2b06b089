// The figure formatting lives in Figures; re-exported so `import TerminalUI` brings
// `NumberText` as before.
@_exported import Figures
