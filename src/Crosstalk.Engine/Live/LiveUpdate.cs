using Crosstalk.Transcripts;

namespace Crosstalk.Engine.Live;

/// <summary>Something a viewer of a running conversation should show; <see cref="Cursor"/> says how far it has got with it.</summary>
public abstract record LiveUpdate(LiveCursor Cursor);

/// <summary>A message was stored.</summary>
public sealed record LiveMessageStored(LiveCursor Cursor, int Index, TranscriptMessage Message) : LiveUpdate(Cursor);

/// <summary>A message started streaming.</summary>
public sealed record LiveMessageStarted(LiveCursor Cursor, int Index, int Seat, string Speaker) : LiveUpdate(Cursor);

/// <summary>More of the message in flight.</summary>
public sealed record LiveTextAppended(LiveCursor Cursor, int Index, string Text) : LiveUpdate(Cursor);

/// <summary>The message in flight started over (a retry after part of it had streamed).</summary>
public sealed record LiveMessageRestarted(LiveCursor Cursor, int Index) : LiveUpdate(Cursor);

/// <summary>The conversation stopped; the follow ends.</summary>
public sealed record LiveStopped(LiveCursor Cursor, StopInfo Stop) : LiveUpdate(Cursor);
