using System.Diagnostics;

namespace Crosstalk.Storage.Tests;

public sealed class LeaseOwnersTests
{
    [Fact]
    public void IsDeadOnThisMachine_ThisProcess_IsAlive() =>
        Assert.False(LeaseOwners.IsDeadOnThisMachine(LeaseOwners.ForThisProcess("tag")));

    [Fact]
    public async Task IsDeadOnThisMachine_AnotherLiveProcess_IsAliveAndDeadOnceItExits()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        var stat = await File.ReadAllTextAsync($"/proc/{sleeper.Id}/stat");
        var start = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        var owner = $"{Environment.MachineName}/{sleeper.Id}/{start}/x";

        // Read the same way by every process: a live owner is never taken for dead (its leases would be stolen).
        for (var i = 0; i < 50; i++)
        {
            Assert.False(LeaseOwners.IsDeadOnThisMachine(owner));
        }

        sleeper.Kill();
        await sleeper.WaitForExitAsync();
        Assert.True(LeaseOwners.IsDeadOnThisMachine(owner));
        Assert.True(LeaseOwners.IsDeadOnThisMachine($"{Environment.MachineName}/{sleeper.Id}/1"), "a reused process id with another start is another process");
    }

    [Theory]
    [InlineData("some-other-machine/1/1")]
    [InlineData("silo-3")]
    public void IsDeadOnThisMachine_OwnerElsewhereOrUnknown_IsNeverCalledDead(string owner) =>
        Assert.False(LeaseOwners.IsDeadOnThisMachine(owner));

    [Fact]
    public void SiloOf_ASilosOwnerAndOthers_GivesTheSiloAddressOnlyForTheSilo()
    {
        var silo = LeaseOwners.ForSilo("10.0.0.12:11111@155569153");

        Assert.Equal("10.0.0.12:11111@155569153", LeaseOwners.SiloOf(silo));
        Assert.False(LeaseOwners.IsDeadOnThisMachine(silo));
        Assert.Null(LeaseOwners.SiloOf(LeaseOwners.ForThisProcess("a1b2c3")));
        Assert.Null(LeaseOwners.SiloOf(null));
    }
}
