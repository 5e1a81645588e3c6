namespace Adoption.Service.CaseWrites;

/// <summary>The adoption case type as CCD knows it: ids of the case type, its jurisdiction and its events (SPEC 5).</summary>
internal static class A58
{
    public const string CaseTypeId = "A58";
    public const string Jurisdiction = "ADOPTION";

    /// <summary>Event ids. The first seven are CCD events; REST writes record the one of the same meaning; the last two are retention's.</summary>
    public static class Events
    {
        public const string SubmitApplication = "submitApplication";
        public const string IssueDirections = "issueDirections";
        public const string ListHearing = "listHearing";
        public const string MakeOrder = "makeOrder";
        public const string CloseCase = "closeCase";
        public const string Withdraw = "withdraw";
        public const string AddDocument = "addDocument";
        public const string UpdateCaseDetails = "updateCaseDetails";
        public const string AssignUser = "assignUser";
        public const string RevokeAssignment = "revokeAssignment";
        public const string UpdateDocument = "updateDocument";
        public const string DeleteCase = "deleteCase";

        /// <summary>CCD's retain-and-dispose events (ids fixed by CCD), run by retention's system user through CCD.</summary>
        public const string MarkForDisposal = "MarkForDisposal";

        public const string ConfirmDisposal = "ConfirmDisposal";
    }
}
