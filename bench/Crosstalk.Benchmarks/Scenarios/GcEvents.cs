using System.Diagnostics.Tracing;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>
/// Reads the runtime's own GC events in process (<c>provider-overhead --gc-events</c>): what each collection promoted,
/// how large gen1 stayed, how long the threads took to stop, and where the collector found what survived (thread stacks,
/// or references from older generations, which is how a long-lived conversation keeps its new objects alive). <see cref="GC.GetTotalPauseDuration"/> says that one
/// side's pauses are longer; these say why. With <c>allocationTypes</c>, also samples what is allocated, by type (one
/// sample per ~100 KB).
/// </summary>
internal sealed class GcEvents(bool allocationTypes) : EventListener
{
    private readonly Dictionary<string, long> _allocated = [];
    private long _promoted0;
    private long _promoted1;
    private long _generation1;
    private long _suspendTicks;
    private long _markedFromStacks;
    private long _markedFromOlder;
    private long _suspendStarted;

    /// <summary>Bytes promoted out of gen0, summed over collections.</summary>
    public long Promoted0 => Interlocked.Read(ref _promoted0);

    /// <summary>Bytes promoted out of gen1, summed over collections.</summary>
    public long Promoted1 => Interlocked.Read(ref _promoted1);

    /// <summary>The size of gen1 after the last collection.</summary>
    public long Generation1 => Interlocked.Read(ref _generation1);

    /// <summary>Bytes the collections found alive through thread stacks, summed.</summary>
    public long MarkedFromStacks => Interlocked.Read(ref _markedFromStacks);

    /// <summary>Bytes the collections found alive through references from older generations, summed.</summary>
    public long MarkedFromOlder => Interlocked.Read(ref _markedFromOlder);

    /// <summary>Time spent stopping the threads for collections, summed.</summary>
    public TimeSpan Suspending => TimeSpan.FromTicks(Interlocked.Read(ref _suspendTicks));

    /// <summary>The sampled allocations so far: type name and bytes, most first.</summary>
    public IReadOnlyList<(string Type, long Bytes)> AllocatedTypes()
    {
        lock (_allocated)
        {
            return [.. _allocated.OrderByDescending(t => t.Value).Select(t => (t.Key, t.Value))];
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            // Keyword 0x1 is GC; allocation ticks come at the verbose level only.
            EnableEvents(eventSource, allocationTypes ? EventLevel.Verbose : EventLevel.Informational, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        var payload = e.Payload;
        switch (e.EventName)
        {
            // GenerationSize0, TotalPromotedSize0, GenerationSize1, TotalPromotedSize1, ...
            case "GCHeapStats_V2" when payload is { Count: > 3 }:
                Interlocked.Add(ref _promoted0, Convert.ToInt64(payload[1]));
                Interlocked.Add(ref _promoted1, Convert.ToInt64(payload[3]));
                Interlocked.Exchange(ref _generation1, Convert.ToInt64(payload[2]));
                break;
            // HeapNum, ClrInstanceID, Type (0 stack, 3 older generations, …), Bytes.
            case "GCMarkWithType" when payload is { Count: > 3 }:
                switch (Convert.ToInt32(payload[2]))
                {
                    case 0:
                        Interlocked.Add(ref _markedFromStacks, Convert.ToInt64(payload[3]));
                        break;
                    case 3:
                        Interlocked.Add(ref _markedFromOlder, Convert.ToInt64(payload[3]));
                        break;
                }

                break;
            case "GCSuspendEEBegin_V1":
                Interlocked.Exchange(ref _suspendStarted, e.TimeStamp.Ticks);
                break;
            case "GCSuspendEEEnd_V1":
                Interlocked.Add(ref _suspendTicks, e.TimeStamp.Ticks - Interlocked.Read(ref _suspendStarted));
                break;

            // AllocationAmount, AllocationKind, ClrInstanceID, AllocationAmount64, TypeID, TypeName, ...
            case "GCAllocationTick_V4" when payload is { Count: > 5 } && payload[5] is string type:
                lock (_allocated)
                {
                    _allocated[type] = _allocated.GetValueOrDefault(type) + Convert.ToInt64(payload[3]);
                }

                break;
        }
    }
}
