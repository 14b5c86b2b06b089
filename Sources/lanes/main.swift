import LanesCLI

await LanesCommand.runFromCommandLine()
