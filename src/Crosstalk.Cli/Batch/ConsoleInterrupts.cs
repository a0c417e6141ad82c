using System.Runtime.InteropServices;

namespace Crosstalk.Cli.Batch;

/// <summary>
/// Ctrl+C (or SIGTERM) handling for the whole process: the first stops gracefully through a cancellation token
/// (running conversations stop, completed messages are already stored); the second exits at once with code 130.
/// </summary>
internal sealed class ConsoleInterrupts : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly TextWriter _error;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _count;

    private ConsoleInterrupts(TextWriter error)
    {
        _error = error;
    }

    public CancellationToken Token => _cancellation.Token;

    public static ConsoleInterrupts Register(TextWriter error)
    {
        var interrupts = new ConsoleInterrupts(error);
        interrupts._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, interrupts.OnSignal));
        interrupts._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, interrupts.OnSignal));
        return interrupts;
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _count) == 1)
        {
            _error.WriteLine();
            _error.WriteLine("Stopping… (Ctrl+C again to quit now)");
            // Cancel off the signal thread: cancellation callbacks run synchronously.
            _ = Task.Run(_cancellation.Cancel);
            return;
        }

        Environment.Exit(ExitCodes.Interrupted);
    }
}
