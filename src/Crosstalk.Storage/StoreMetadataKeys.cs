namespace Crosstalk.Storage;

/// <summary>Conversation metadata keys the store gives a meaning to.</summary>
public static class StoreMetadataKeys
{
    /// <summary>The id of the conversation this one was forked from (decimal digits); stored in its own column too.</summary>
    public const string ParentId = "parentId";

    /// <summary>The 1-based index of the parent's last message that the fork kept; stored in its own column too.</summary>
    public const string ForkedAt = "forkedAt";

    /// <summary>A hash of an imported transcript's content; stored in its own column, one conversation per hash.</summary>
    public const string ContentHash = "contentHash";

    /// <summary>
    /// Which file an imported transcript was read from, by content: a hash of the file's bytes and the transcript's place in
    /// it. Stored in its own column, so that the same file imported again is found even when a later version reads it
    /// differently.
    /// </summary>
    public const string ImportedFile = "importedFile";
}
