namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>
/// Tests that start whole quick-start panels (an embedded PostgreSQL, and agents, some of them real VM or container
/// nodes) run alone, after the parallel tests: on two cores, several of them at once next to booting VMs starve
/// each other's startup past any sensible timeout.
/// </summary>
[CollectionDefinition(nameof(QuickStartCollection), DisableParallelization = true)]
public sealed class QuickStartCollection;
