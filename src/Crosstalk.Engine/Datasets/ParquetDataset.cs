using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Parquet;
using Parquet.Serialization;

namespace Crosstalk.Engine.Datasets;

/// <summary>
/// Dataset rows in a Parquet file (Parquet.Net): written in row groups as they come — one serializer on a background
/// task takes rows from a bounded channel — so an export of any size holds about two groups in memory. A file is written
/// under a temporary name and moved into place when complete, so a stopped export never leaves a half-written file.
/// </summary>
public sealed class ParquetDatasetWriter : IAsyncDisposable
{
    /// <summary>Rows per row group: large enough for good compression, small enough to hold in memory.</summary>
    public const int RowGroupSize = 2_000;

    private readonly string _path;
    private readonly string _temporary;
    private readonly Channel<DatasetRow> _rows = Channel.CreateBounded<DatasetRow>(new BoundedChannelOptions(RowGroupSize) { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly FileStream _stream;
    private readonly Task _writing;
    private bool _completed;

    /// <summary>Starts a file at <paramref name="path"/>, with <paramref name="metadata"/> as its key-value metadata.</summary>
    public ParquetDatasetWriter(string path, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(metadata);
        _path = path;
        _temporary = path + ".partial";
        _stream = new FileStream(_temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        // Zstandard at its default level: Parquet.Net's own default level for it (the smallest size) is ~40 times slower for 10 % less.
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Zstd, CompressionLevel = System.IO.Compression.CompressionLevel.Optimal, RowGroupSize = RowGroupSize };
        _writing = Task.Run(() => ParquetSerializer.SerializeAsync(Pending(), _stream, options, metadata, _stop.Token));
    }

    /// <summary>Adds a row; it is written with its row group.</summary>
    public async Task AddAsync(DatasetRow row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (_writing.IsCompleted)
        {
            // The serializer stopped (a full disk, say): its error is the one to report.
            await _writing.ConfigureAwait(false);
            throw new InvalidOperationException("The Parquet file is already complete.");
        }

        await _rows.Writer.WriteAsync(row, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes what is pending and moves the file into place (a file without rows still has the schema).</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        _rows.Writer.TryComplete();
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        File.Move(_temporary, _path, overwrite: true);
        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            _rows.Writer.TryComplete();
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                // Whatever stopped the serializer (a cancel, a full disk, a value it could not write) was reported where
                // it happened; here the half-written file is thrown away, always.
                await _writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            finally
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
                File.Delete(_temporary);
            }
        }

        _stop.Dispose();
    }

    // The serializer's rows, taken as they arrive; it runs on its own task, so waiting here blocks nobody else.
    private IEnumerable<DatasetRow> Pending()
    {
        var reader = _rows.Reader;
        while (reader.WaitToReadAsync(_stop.Token).AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var row))
            {
                yield return row;
            }
        }
    }
}

/// <summary>Reads the dataset rows of a Parquet file Crosstalk wrote.</summary>
public static class ParquetDatasetReader
{
    /// <summary>The rows, one row group at a time.</summary>
    /// <exception cref="InvalidDataException">The file is not Parquet, or not a Crosstalk dataset.</exception>
    public static async IAsyncEnumerable<DatasetRow> ReadAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        await using var stream = File.OpenRead(path);
        int groups;
        try
        {
            await using var reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (reader.Schema.FindDataField("conversation_id") is null || reader.Schema.Fields.All(f => f.Name != "messages"))
            {
                throw new InvalidDataException("the Parquet file is not a Crosstalk dataset (it has no 'conversation_id' and 'messages' columns)");
            }

            groups = reader.RowGroupCount;
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or InvalidDataException or OutOfMemoryException))
        {
            // A damaged footer throws whatever the Thrift decoder meets first (its own protocol exception, an argument or
            // index out of range): each is a file that is not readable Parquet, not a fault of the reader.
            throw new InvalidDataException($"the file is not readable Parquet ({ex.Message.TrimEnd('.')})", ex);
        }

        for (var group = 0; group < groups; group++)
        {
            stream.Position = 0;
            IList<DatasetRow> rows;
            try
            {
                rows = (await ParquetSerializer.DeserializeAsync<DatasetRow>(stream, null, group, cancellationToken).ConfigureAwait(false)).Data;
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
            {
                throw new InvalidDataException($"row group {group + 1} cannot be read ({ex.Message.TrimEnd('.')})", ex);
            }

            foreach (var row in rows)
            {
                yield return row;
            }
        }
    }
}
