using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Microsoft.Extensions.Configuration;

namespace Ccd.Runtime.CaseTypes;

/// <summary>Reads case types declared in configuration only (<c>Ccd:CaseTypes:N:...</c>), for services that write no code.</summary>
internal static class ConfiguredCaseTypes
{
    public const string SectionName = "Ccd:CaseTypes";

    public static IEnumerable<CaseTypeDefinition> Read(IConfiguration configuration)
    {
        var declared = configuration.GetSection(SectionName).Get<List<CaseTypeSettings>>() ?? [];
        for (var i = 0; i < declared.Count; i++)
        {
            var settings = declared[i];
            var key = $"{SectionName}:{i}";
            if (string.IsNullOrWhiteSpace(settings.Id) || string.IsNullOrWhiteSpace(settings.Jurisdiction))
            {
                throw new CcdStartupException($"{key} needs both Id and Jurisdiction.");
            }

            var states = settings.States.Where(state => !string.IsNullOrWhiteSpace(state)).Select(state => state.Trim()).ToHashSet(StringComparer.Ordinal);
            var events = new List<EventDefinition>();
            for (var j = 0; j < settings.Events.Count; j++)
            {
                var e = settings.Events[j];
                if (string.IsNullOrWhiteSpace(e.Id))
                {
                    throw new CcdStartupException($"{key}:Events:{j}:Id is required.");
                }

                var fields = new List<PublishedField>();
                for (var k = 0; k < e.PublishedFields.Count; k++)
                {
                    var field = e.PublishedFields[k];
                    var type = string.IsNullOrWhiteSpace(field.Type) ? "Text" : field.Type.Trim();
                    if (string.IsNullOrWhiteSpace(field.Name) || !PublishedField.IsKnownType(type))
                    {
                        throw new CcdStartupException(
                            $"{key}:Events:{j}:PublishedFields:{k} needs a Name and a Type among {PublishedField.KnownTypes}.");
                    }

                    fields.Add(new PublishedField(field.Name.Trim(), type));
                }

                var postState = string.IsNullOrWhiteSpace(e.PostState) ? null : e.PostState.Trim();
                if (postState is not null && !states.Contains(postState))
                {
                    throw new CcdStartupException(
                        $"{key}:Events:{j}:PostState names state '{postState}', which is not one of {key}:States ({(states.Count == 0 ? "none declared" : string.Join(", ", states))}).");
                }

                events.Add(new EventDefinition
                {
                    Id = e.Id.Trim(),
                    Name = string.IsNullOrWhiteSpace(e.Name) ? e.Id.Trim() : e.Name,
                    Publish = e.Publish || fields.Count > 0,
                    Additive = e.Additive,
                    NonConcurrent = e.NonConcurrent,
                    PublishedFields = fields,
                    PostState = postState,
                });
            }

            ConfiguredCaseType caseType;
            try
            {
                caseType = new ConfiguredCaseType(settings.Id.Trim(), settings.Jurisdiction.Trim(),
                    string.IsNullOrWhiteSpace(settings.HmctsServiceId) ? null : settings.HmctsServiceId.Trim(), events, states);
            }
            catch (ArgumentException exception)
            {
                throw new CcdStartupException($"{key}: {exception.Message}");
            }

            yield return caseType;
        }
    }

    internal sealed class CaseTypeSettings
    {
        public string? Id { get; set; }

        public string? Jurisdiction { get; set; }

        public string? HmctsServiceId { get; set; }

        /// <summary>The case type's state ids; when declared, a submit in another state is refused (400).</summary>
        public List<string> States { get; set; } = [];

        public List<EventSettings> Events { get; set; } = [];
    }

    internal sealed class EventSettings
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public bool Publish { get; set; }

        public bool Additive { get; set; }

        public bool NonConcurrent { get; set; }

        public string? PostState { get; set; }

        public List<FieldSettings> PublishedFields { get; set; } = [];
    }

    internal sealed class FieldSettings
    {
        public string? Name { get; set; }

        public string? Type { get; set; }
    }
}
