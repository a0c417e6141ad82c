using System.Text.Json;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Core.Tests.Transcripts;

/// <summary>A key given twice is refused where the parser finds it, with the line and column its own error leaves out.</summary>
public sealed class StrictJsonTests
{
    [Theory]
    [InlineData("{\"a\": 1,\n \"a\": 2}", 1, 1, "'a'")]
    [InlineData("{\"a\": 1,\n \"a\": 2,\n \"b\": {\"x\": 1,\n  \"x\": 2}}", 3, 2, "'x'")] // the inner object closes first
    [InlineData("[{\"a\": 1}, {\"b\": 1,\n\n    \"b\": 2, \"b\": 3}]", 2, 4, "'b'")]
    public void Parse_KeyGivenTwice_IsRefusedAtItsSecondUseInTheObjectTheParserNames(string json, long line, long column, string name)
    {
        var ex = Assert.Throws<JsonException>(() => StrictJson.Parse(json));

        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (ex.LineNumber, ex.BytePositionInLine));
    }

    [Fact]
    public void Parse_OtherErrors_KeepTheParsersOwnPlace()
    {
        var ex = Assert.ThrowsAny<JsonException>(() => StrictJson.Parse("{\"a\": 1,\n \"b\": x}"));

        Assert.Equal(1, ex.LineNumber);
    }

    [Theory]
    [InlineData("'x' is an invalid start of a value. Path: $ | LineNumber: 0 | BytePositionInLine: 1.", "'x' is an invalid start of a value")]
    [InlineData("Duplicate property 'a. b' encountered during deserialization.", "Duplicate property 'a. b' encountered during deserialization")]
    [InlineData("''' is an invalid start of a property name. Expected a '\"'. Path: $ | LineNumber: 0 | BytePositionInLine: 1.", "''' is an invalid start of a property name")]
    [InlineData("Duplicate property 'it's' encountered. Another sentence.", "Duplicate property 'it's' encountered")]
    [InlineData("Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed. LineNumber: 0 | BytePositionInLine: 9.", "Expected depth to be zero at the end of the JSON payload")]
    public void Reason_IsTheFirstSentenceWithoutItsPlace(string message, string reason) =>
        Assert.Equal(reason, StrictJson.Reason(new JsonException(message)));
}
