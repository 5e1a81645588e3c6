using System.Text;
using System.Text.Json;

namespace Ccd.Runtime.Publishing;

/// <summary>
/// Makes an <see cref="OutboxMessage"/> from a row's <c>message_information</c> as PostgreSQL sends it (jsonb's
/// text, UTF-8), reading the property values from its top-level keys in the process rather than with five
/// <c>-&gt;&gt;</c> extractions per row in the claim. Each value is what <c>-&gt;&gt;</c> returns: a string unescaped,
/// a number or <c>true</c>/<c>false</c> as jsonb writes it, an object or array as its JSON text, and null (JSON
/// null or a missing key) as null.
/// </summary>
internal static class OutboxMessageReader
{
    public static OutboxMessage Read(long id, long reference, byte[] body)
    {
        string? jurisdictionId = null, caseTypeId = null, caseId = null, eventId = null, eventInstanceId = null;
        var reader = new Utf8JsonReader(body);
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = Key(ref reader);
                reader.Read();
                if (key < 0)
                {
                    reader.Skip();
                    continue;
                }

                var value = Value(ref reader, body);
                switch (key)
                {
                    case 0: jurisdictionId = value; break;
                    case 1: caseTypeId = value; break;
                    case 2: caseId = value; break;
                    case 3: eventId = value; break;
                    default: eventInstanceId = value; break;
                }
            }
        }

        return new OutboxMessage(id, reference, body, jurisdictionId, caseTypeId, caseId, eventId, eventInstanceId);
    }

    private static int Key(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("JurisdictionId"u8) ? 0
        : reader.ValueTextEquals("CaseTypeId"u8) ? 1
        : reader.ValueTextEquals("CaseId"u8) ? 2
        : reader.ValueTextEquals("EventId"u8) ? 3
        : reader.ValueTextEquals("EventInstanceId"u8) ? 4
        : -1;

    private static string? Value(ref Utf8JsonReader reader, byte[] body)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                // jsonb's text of a nested value is the same inside the whole body as on its own.
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                return Encoding.UTF8.GetString(body, start, (int)reader.BytesConsumed - start);
            default:
                return Encoding.UTF8.GetString(reader.ValueSpan);
        }
    }
}
