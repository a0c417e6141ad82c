using System.Text.Json;
using Crosstalk.Transcripts;

namespace Crosstalk.Storage.Sql;

internal static class StoreJson
{
    public static string WriteMetadata(IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata)
        {
            sorted[key] = value;
        }

        return JsonSerializer.Serialize(sorted, StoreJsonContext.Default.SortedDictionaryStringString);
    }

    public static SortedDictionary<string, string> ReadMetadata(string? json) =>
        string.IsNullOrEmpty(json)
            ? new SortedDictionary<string, string>(StringComparer.Ordinal)
            : new SortedDictionary<string, string>(
                JsonSerializer.Deserialize(json, StoreJsonContext.Default.SortedDictionaryStringString) ?? [],
                StringComparer.Ordinal);

    public static string? WriteAttempts(IList<Attempt> attempts) =>
        attempts.Count == 0 ? null : JsonSerializer.Serialize(attempts.ToList(), StoreJsonContext.Default.ListAttempt);

    public static List<Attempt> ReadAttempts(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize(json, StoreJsonContext.Default.ListAttempt) ?? [];

    public static List<Participant> ReadParticipants(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        var rows = JsonSerializer.Deserialize(json, StoreJsonContext.Default.ListParticipantRow) ?? [];
        return rows.OrderBy(r => r.Seat).Select(r => new Participant(r.Seat, r.Name, r.Model)).ToList();
    }
}
