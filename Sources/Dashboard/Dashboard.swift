/// The live dashboard: state, key table, panels, themes and the run loop.
public enum DashboardModule {}
