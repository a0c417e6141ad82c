using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crosstalk.Analysis;

/// <summary>Two messages that say nearly the same thing; written in JSON as <c>[first, second, similarity]</c>.</summary>
/// <param name="First">The earlier message (1-based).</param>
/// <param name="Second">The later message (1-based).</param>
/// <param name="Similarity">Word 3-gram Jaccard similarity, 0..1, rounded to three decimals.</param>
/// <param name="SameSeat">Whether one seat repeated itself (otherwise it echoed its partner).</param>
[JsonConverter(typeof(NearDuplicateJsonConverter))]
public sealed record NearDuplicate(int First, int Second, double Similarity, bool SameSeat);

/// <summary>Writes a <see cref="NearDuplicate"/> as the array <c>[first, second, similarity]</c> the issue asks for.</summary>
internal sealed class NearDuplicateJsonConverter : JsonConverter<NearDuplicate>
{
    public override NearDuplicate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("A near duplicate is an array [first, second, similarity].");
        }

        reader.Read();
        var first = reader.GetInt32();
        reader.Read();
        var second = reader.GetInt32();
        reader.Read();
        var similarity = reader.GetDouble();
        var sameSeat = false;
        reader.Read();
        if (reader.TokenType is JsonTokenType.True or JsonTokenType.False)
        {
            sameSeat = reader.GetBoolean();
            reader.Read();
        }

        if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw new JsonException("A near duplicate is an array [first, second, similarity].");
        }

        return new NearDuplicate(first, second, similarity, sameSeat);
    }

    public override void Write(Utf8JsonWriter writer, NearDuplicate value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.First);
        writer.WriteNumberValue(value.Second);
        writer.WriteNumberValue(value.Similarity);
        writer.WriteBooleanValue(value.SameSeat);
        writer.WriteEndArray();
    }
}
