using Adoption.Service.CaseWrites;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;

namespace Adoption.Service.A58CaseType;

/// <summary>Declares case type A58 on the runtime: its view, its CCD events and the events only the REST API records.</summary>
internal static class A58Registration
{
    public static CcdRuntimeBuilder AddA58(this CcdRuntimeBuilder runtime) =>
        runtime.AddCaseType<AdoptionCase, AdoptionState>(A58.CaseTypeId, A58.Jurisdiction, caseType => caseType
            .View<AdoptionCaseView>()
            .Event(A58.Events.SubmitApplication, e => e.Name("Submit application").Handler<SubmitApplicationHandler>()
                .AboutToStart<PrefillCourtCallback>()
                .PublishedField(c => c.CaseNumber).PublishedField(c => c.CourtCode))
            .Event(A58.Events.IssueDirections, e => e.Name("Issue directions").Handler<ChangeStatusHandler>())
            .Event(A58.Events.ListHearing, e => e.Name("List hearing").Handler<ChangeStatusHandler>()
                .MidEvent<HearingDetailsCallback>(HearingDetailsCallback.PageId))
            .Event(A58.Events.MakeOrder, e => e.Name("Make order").Handler<ChangeStatusHandler>()
                .PublishedField(c => c.CaseNumber).PublishedField(c => c.CourtCode))
            .Event(A58.Events.CloseCase, e => e.Name("Close case").Handler<ChangeStatusHandler>()
                .PublishedField(c => c.CaseNumber).PublishedField(c => c.CourtCode))
            .Event(A58.Events.Withdraw, e => e.Name("Withdraw").Handler<ChangeStatusHandler>())
            // Adding a document never conflicts: it cannot undo anything another user did meanwhile.
            .Event(A58.Events.AddDocument, e => e.Name("Add document").Handler<AddDocumentHandler>().Additive())
            .Event(A58.Events.UpdateCaseDetails, e => e.Name("Update case details").Handler<ServiceOnlyEventHandler>())
            .Event(A58.Events.AssignUser, e => e.Name("Assign user").Handler<ServiceOnlyEventHandler>())
            .Event(A58.Events.RevokeAssignment, e => e.Name("Revoke assignment").Handler<ServiceOnlyEventHandler>())
            .Event(A58.Events.UpdateDocument, e => e.Name("Update document").Handler<ServiceOnlyEventHandler>())
            .Event(A58.Events.DeleteCase, e => e.Name("Delete case").Handler<ServiceOnlyEventHandler>())
            // CCD's retain-and-dispose (docs/operations.md, retention): retention run triggers them through CCD.
            .Event(A58.Events.MarkForDisposal, e => e.Name("Mark for disposal").Handler<DisposalEventHandler>())
            .Event(A58.Events.ConfirmDisposal, e => e.Name("Confirm disposal").Handler<DisposalEventHandler>()));
}
