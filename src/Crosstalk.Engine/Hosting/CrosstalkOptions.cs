using Crosstalk.Engine.Models;

namespace Crosstalk.Engine.Hosting;

/// <summary>How an engine is set up: its store, where its models come from, and how it shares work with other processes.</summary>
public sealed class CrosstalkOptions
{
    /// <summary>The store: a SQLite file path, a PostgreSQL URL (<c>postgres://user:pass@host/db</c>) or an Npgsql connection string. Required.</summary>
    public string Database { get; set; } = string.Empty;

    /// <summary>Where models come from.</summary>
    public ModelResolverOptions Models { get; set; } = new();

    /// <summary>
    /// How long a conversation's lease holds without renewal: after a process dies, other machines take its conversations
    /// over after this long (a process on the same machine at once). Renewed at a third of it. Default 30 s.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the text of messages in flight is written for live viewers. Default 250 ms; zero writes none.</summary>
    public TimeSpan LiveInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Whether each conversation's analysis is computed and kept when it stops. Default true.</summary>
    public bool StoreAnalyses { get; set; } = true;

    /// <summary>This engine's lease owner id; by default one naming this machine and process (see <see cref="Storage.LeaseOwners"/>).</summary>
    public string? Owner { get; set; }

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Checks the options, naming the first problem in one sentence.</summary>
    /// <exception cref="ArgumentException">A value cannot be used.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Database))
        {
            throw new ArgumentException("CrosstalkOptions.Database names no store: give a SQLite file path or a PostgreSQL URL.", nameof(Database));
        }

        if (LeaseDuration < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("CrosstalkOptions.LeaseDuration must be at least one second.", nameof(LeaseDuration));
        }

        if (LiveInterval < TimeSpan.Zero)
        {
            throw new ArgumentException("CrosstalkOptions.LiveInterval cannot be negative.", nameof(LiveInterval));
        }
    }
}
