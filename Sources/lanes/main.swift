import LanesCLI

await LanesCommand.main()
