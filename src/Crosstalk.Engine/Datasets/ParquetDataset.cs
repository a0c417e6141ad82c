using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Serialization;

namespace Crosstalk.Engine.Datasets;

/// <summary>
/// Dataset rows in a Parquet file (Parquet.Net): written in row groups as they come, so an export of any size holds one
/// group in memory; read back one group at a time. A file is written under a temporary name and moved into place when
/// complete, so a stopped export never leaves a half-written file behind.
/// </summary>
public sealed class ParquetDatasetWriter : IAsyncDisposable
{
    /// <summary>Rows per row group: large enough for good compression, small enough to hold in memory.</summary>
    public const int RowGroupSize = 2_000;

    private readonly string _path;
    private readonly string _temporary;
    private readonly IReadOnlyDictionary<string, string> _metadata;
    private readonly List<DatasetRow> _pending = new(RowGroupSize);
    private FileStream? _stream;
    private bool _completed;

    /// <summary>Starts a file at <paramref name="path"/>, with <paramref name="metadata"/> as its key-value metadata.</summary>
    public ParquetDatasetWriter(string path, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(metadata);
        _path = path;
        _temporary = path + ".partial";
        _metadata = metadata;
    }

    /// <summary>Rows written so far.</summary>
    public int Rows { get; private set; }

    /// <summary>Adds a row; a full row group is written out.</summary>
    public async Task AddAsync(DatasetRow row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        _pending.Add(row);
        Rows++;
        if (_pending.Count >= RowGroupSize)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes what is pending and moves the file into place (a file without rows still has the schema).</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_pending.Count > 0 || _stream is null)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        await _stream!.DisposeAsync().ConfigureAwait(false);
        _stream = null;
        File.Move(_temporary, _path, overwrite: true);
        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        if (!_completed)
        {
            File.Delete(_temporary);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var append = _stream is not null;
        _stream ??= new FileStream(_temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        var options = new ParquetOptions { Append = append, CompressionMethod = CompressionMethod.Zstd, RowGroupSize = RowGroupSize };
        _stream.Position = 0;
        await ParquetSerializer.SerializeAsync(_pending, _stream, options, _metadata, cancellationToken).ConfigureAwait(false);
        _pending.Clear();
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
        catch (IOException ex)
        {
            throw new InvalidDataException($"the file is not Parquet ({ex.Message.TrimEnd('.')})", ex);
        }

        for (var group = 0; group < groups; group++)
        {
            stream.Position = 0;
            IList<DatasetRow> rows;
            try
            {
                rows = (await ParquetSerializer.DeserializeAsync<DatasetRow>(stream, null, group, cancellationToken).ConfigureAwait(false)).Data;
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or NotSupportedException or ArgumentException)
            {
                throw new InvalidDataException($"row group {group + 1} cannot be read ({ex.Message.TrimEnd('.')})", ex);
            }

            foreach (var row in rows)
            {
                yield return row;
            }
        }
    }

    /// <summary>Whether a file starts like Parquet (<c>PAR1</c>).</summary>
    public static bool IsParquet(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var stream = File.OpenRead(path);
        return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual("PAR1"u8);
    }
}
