using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Crosstalk.Experiments;

namespace Crosstalk.Engine.Plans;

/// <summary>How plans are stored: camelCase JSON, source-generated; plans stored by earlier versions are read too.</summary>
public static class PlanJson
{
    /// <summary>The plan as stored.</summary>
    public static string Write(ConversationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return JsonSerializer.Serialize(plan, PlanJsonContext.Default.ConversationPlan);
    }

    /// <summary>The run's plan as stored.</summary>
    public static string Write(RunPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return JsonSerializer.Serialize(plan, PlanJsonContext.Default.RunPlan);
    }

    /// <summary>Reads a stored conversation plan.</summary>
    /// <exception cref="PlanException">The text is not a plan this version can run; the message says why.</exception>
    public static ConversationPlan ReadConversation(string json, string owner)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var plan = document.RootElement.Deserialize(PlanJsonContext.Default.ConversationPlan)
                ?? throw new PlanException($"{owner} has an empty plan.");
            Check(plan.Version, owner);
            if (!document.RootElement.TryGetProperty("stopPolicy", out _) && document.RootElement.TryGetProperty("stop", out var legacy))
            {
                // Plans stored before the stop-policy language kept the batch's stop settings as an object.
                var settings = ReadLegacyStop(legacy);
                plan = plan with { StopPolicy = settings.ToPolicy(), EndToken = settings.EndToken };
            }

            // Members a stored plan leaves out keep their defaults (the serializer sets every init-only member it knows).
            plan = plan with
            {
                FirstSeat = plan.FirstSeat == 0 ? 1 : plan.FirstSeat,
                Version = plan.Version == 0 ? 1 : plan.Version,
                StopPolicy = string.IsNullOrWhiteSpace(plan.StopPolicy) ? new StopSettings().ToPolicy() : plan.StopPolicy,
                EndToken = string.IsNullOrEmpty(plan.EndToken) ? new StopSettings().EndToken : plan.EndToken,
            };
            if (plan.Seats is not { Count: >= 2 })
            {
                throw new PlanException($"{owner} has a plan with fewer than two seats.");
            }

            return plan;
        }
        catch (JsonException ex)
        {
            throw new PlanException($"{owner} has a plan this version cannot read ({ex.Message}).", ex);
        }
    }

    /// <summary>Reads a stored run plan.</summary>
    /// <exception cref="PlanException">The text is not a run plan this version can use.</exception>
    public static RunPlan ReadRun(string json, string owner)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var plan = document.RootElement.Deserialize(PlanJsonContext.Default.RunPlan) ?? throw new PlanException($"{owner} has an empty plan.");
            if (document.RootElement.TryGetProperty("conversations", out var conversations) && conversations.ValueKind == JsonValueKind.Array)
            {
                // Read one by one so that each legacy conversation plan gets its stop settings translated.
                var list = new List<ConversationPlan>();
                foreach (var element in conversations.EnumerateArray())
                {
                    list.Add(ReadConversation(element.GetRawText(), owner));
                }

                plan = plan with { Conversations = list };
            }

            return plan;
        }
        catch (JsonException ex)
        {
            throw new PlanException($"{owner} has a plan this version cannot read ({ex.Message}).", ex);
        }
    }

    private static void Check(int version, string owner)
    {
        if (version > 1)
        {
            throw new PlanException(string.Create(
                CultureInfo.InvariantCulture, $"{owner} was planned by a newer Crosstalk (plan version {version}); run it with that version."));
        }
    }

    private static StopSettings ReadLegacyStop(JsonElement stop)
    {
        var defaults = new StopSettings();
        return new StopSettings
        {
            MaxMessages = stop.TryGetProperty("maxMessages", out var max) && max.TryGetInt32(out var m) ? m : defaults.MaxMessages,
            EndToken = stop.TryGetProperty("endToken", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString()! : defaults.EndToken,
            EndPolicy = stop.TryGetProperty("endPolicy", out var policy) && policy.ValueKind == JsonValueKind.String ? policy.GetString()! : defaults.EndPolicy,
            Guards = stop.TryGetProperty("guards", out var guards) && guards.ValueKind == JsonValueKind.Array
                ? [.. guards.EnumerateArray().Select(g => g.GetString() ?? string.Empty).Where(g => g.Length > 0)]
                : [],
            TimeLimit = stop.TryGetProperty("timeLimitSeconds", out var limit) && limit.TryGetDouble(out var seconds) ? TimeSpan.FromSeconds(seconds) : null,
            TokenBudget = stop.TryGetProperty("tokenBudget", out var tokens) && tokens.TryGetInt64(out var t) ? t : null,
            CostBudget = stop.TryGetProperty("costBudget", out var cost) && cost.TryGetDecimal(out var c) ? c : null,
        };
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConversationPlan))]
[JsonSerializable(typeof(RunPlan))]
internal sealed partial class PlanJsonContext : JsonSerializerContext;
