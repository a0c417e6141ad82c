using Crosstalk.Analysis;

namespace Crosstalk.Core.Tests.Analysis;

public class ShingleSimilarityTests
{
    [Fact]
    public void Similarity_Seed001QuestionAskedTwice_IsNearDuplicate()
    {
        var similarity = ShingleSimilarity.Similarity(Seed001.Content(9), Seed001.Content(11));

        Assert.InRange(similarity, ShingleSimilarity.NearDuplicateThreshold, 0.99);
    }

    [Fact]
    public void Similarity_Seed001IdenticalRefusals_IsOne() =>
        Assert.Equal(1.0, ShingleSimilarity.Similarity(Seed001.Content(80), Seed001.Content(94)));

    [Fact]
    public void Similarity_DifferentMessages_IsLow()
    {
        Assert.True(ShingleSimilarity.Similarity(Seed001.Content(5), Seed001.Content(7)) < 0.1);
        Assert.True(ShingleSimilarity.Similarity(Seed001.Content(56), Seed001.Content(80)) < ShingleSimilarity.NearDuplicateThreshold);
    }

    [Fact]
    public void Similarity_CaseAndPunctuation_AreIgnored() =>
        Assert.Equal(1.0, ShingleSimilarity.Similarity("The quick brown fox jumps.", "the QUICK, brown fox — jumps!"));

    [Fact]
    public void Similarity_NoWords_IsZero()
    {
        Assert.Equal(0.0, ShingleSimilarity.Similarity(" ", " "));
        Assert.Equal(0.0, ShingleSimilarity.Similarity("👋", "hello there friend"));
    }

    [Fact]
    public void Similarity_OneWordChanged_DropsBelowThresholdForShortTexts()
    {
        var similarity = ShingleSimilarity.Similarity("one two three four five", "one two three four six");

        Assert.Equal(0.5, similarity); // {123, 234, 345} vs {123, 234, 346}: 2 shared of 4
    }

    [Fact]
    public void ShingleSet_Create_CountsDistinctShingles()
    {
        Assert.Equal(3, ShingleSet.Create("a b c d e").Count);
        Assert.Equal(3, ShingleSet.Create("a b c a b c").Count); // abc, bca, cab, abc
    }
}
