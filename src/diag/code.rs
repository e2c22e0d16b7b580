//! Every diagnostic code, one list: a problem carries a `Code`, not a
//! string, so a code cannot be misspelt where it is raised, and the list is
//! what docs/diagnostics.md must cover (the documentation test iterates
//! `Code::ALL`). The text (`rules::syntax`) is what users see and what rule
//! test cases name in `codes = [...]`; it never changes for a code.

use std::fmt;

macro_rules! codes {
    ($($variant:ident = $text:literal,)*) => {
        /// A diagnostic code: phase and name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(
                #[doc = $text]
                $variant,
            )*
        }

        impl Code {
            /// Every code, phase by phase.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as users see it: `rules::syntax`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }
        }
    };
}

codes! {
    // rules
    RulesArity = "rules::arity",
    RulesAwardOutOfRange = "rules::award_out_of_range",
    RulesBadArgument = "rules::bad_argument",
    RulesBadLiteral = "rules::bad_literal",
    RulesBadSetting = "rules::bad_setting",
    RulesBadTemplate = "rules::bad_template",
    RulesBandOutOfRange = "rules::band_out_of_range",
    RulesCapAboveMax = "rules::cap_above_max",
    RulesCycle = "rules::cycle",
    RulesDivisionByZero = "rules::division_by_zero",
    RulesDuplicateField = "rules::duplicate_field",
    RulesDuplicateId = "rules::duplicate_id",
    RulesDuplicateName = "rules::duplicate_name",
    RulesDuplicateRecord = "rules::duplicate_record",
    RulesDuplicateRoot = "rules::duplicate_root",
    RulesDuplicateSetting = "rules::duplicate_setting",
    RulesDuplicateSheet = "rules::duplicate_sheet",
    RulesDuplicateTier = "rules::duplicate_tier",
    RulesEmptyFolder = "rules::empty_folder",
    RulesEmptySection = "rules::empty_section",
    RulesFieldOfList = "rules::field_of_list",
    RulesFieldOfValue = "rules::field_of_value",
    RulesFolder = "rules::folder",
    RulesLabelField = "rules::label_field",
    RulesMissingSetting = "rules::missing_setting",
    RulesNegativePoints = "rules::negative_points",
    RulesNoFolder = "rules::no_folder",
    RulesNoMethod = "rules::no_method",
    RulesNoRaise = "rules::no_raise",
    RulesNoRoot = "rules::no_root",
    RulesNoRulesForYear = "rules::no_rules_for_year",
    RulesNoSheet = "rules::no_sheet",
    RulesNoValue = "rules::no_value",
    RulesNotAList = "rules::not_a_list",
    RulesNotIndexable = "rules::not_indexable",
    RulesOneOfEmpty = "rules::one_of_empty",
    RulesOneOfNotText = "rules::one_of_not_text",
    RulesOutsideFolder = "rules::outside_folder",
    RulesOverflow = "rules::overflow",
    RulesPointsSum = "rules::points_sum",
    RulesPointsTooLarge = "rules::points_too_large",
    RulesShadowsField = "rules::shadows_field",
    RulesSyntax = "rules::syntax",
    RulesTemplates = "rules::templates",
    RulesTierOverlap = "rules::tier_overlap",
    RulesTooDeep = "rules::too_deep",
    RulesTooLarge = "rules::too_large",
    RulesTwoMethods = "rules::two_methods",
    RulesTypeMismatch = "rules::type_mismatch",
    RulesUnknownCheck = "rules::unknown_check",
    RulesUnknownField = "rules::unknown_field",
    RulesUnknownFunction = "rules::unknown_function",
    RulesUnknownName = "rules::unknown_name",
    RulesUnknownType = "rules::unknown_type",
    RulesUnlabelledField = "rules::unlabelled_field",
    // submission
    SubmissionFormat = "submission::format",
    SubmissionMissingKey = "submission::missing_key",
    SubmissionNotAllowed = "submission::not_allowed",
    SubmissionToml = "submission::toml",
    SubmissionTooDeep = "submission::too_deep",
    SubmissionTooLarge = "submission::too_large",
    SubmissionTooManyRows = "submission::too_many_rows",
    SubmissionUnknownKey = "submission::unknown_key",
    SubmissionWrongType = "submission::wrong_type",
    // review
    ReviewBadValue = "review::bad_value",
    ReviewDuplicate = "review::duplicate",
    ReviewJudgmentOnAuto = "review::judgment_on_auto",
    ReviewOverrideOnJudged = "review::override_on_judged",
    ReviewMissingKey = "review::missing_key",
    ReviewMissingScore = "review::missing_score",
    ReviewMissingTier = "review::missing_tier",
    ReviewMixedOverride = "review::mixed_override",
    ReviewNoteRequired = "review::note_required",
    ReviewOtherRules = "review::other_rules",
    ReviewOutOfBand = "review::out_of_band",
    ReviewOverrideWithoutNote = "review::override_without_note",
    ReviewRead = "review::read",
    ReviewReceivedConflict = "review::received_conflict",
    ReviewSameReviewer = "review::same_reviewer",
    ReviewSection = "review::section",
    ReviewTierNotUsed = "review::tier_not_used",
    ReviewTooPrecise = "review::too_precise",
    ReviewUnknownCriterion = "review::unknown_criterion",
    ReviewUnknownKey = "review::unknown_key",
    ReviewUnknownTier = "review::unknown_tier",
    ReviewUnknownUnit = "review::unknown_unit",
    ReviewWorksheet = "review::worksheet",
    // io
    IoBinary = "io::binary",
    IoEncoding = "io::encoding",
    IoRead = "io::read",
    IoTooLarge = "io::too_large",
    IoWrite = "io::write",
    // fmt
    FmtInternal = "fmt::internal",
    // case
    CaseBase = "case::base",
    CaseEdit = "case::edit",
    CaseExpect = "case::expect",
    CaseToml = "case::toml",
    CaseUnknownKey = "case::unknown_key",
    // import
    ImportAttachmentNotListed = "import::attachment_not_listed",
    ImportBadDate = "import::bad_date",
    ImportBadXml = "import::bad_xml",
    ImportCellNotImported = "import::cell_not_imported",
    ImportConverted = "import::converted",
    ImportDuplicateTable = "import::duplicate_table",
    ImportEmptySection = "import::empty_section",
    ImportExtraSection = "import::extra_section",
    ImportImplausibleAmount = "import::implausible_amount",
    ImportIncomplete = "import::incomplete",
    ImportIndicatorWithoutLevel = "import::indicator_without_level",
    ImportListedTable = "import::listed_table",
    ImportMissingAttachment = "import::missing_attachment",
    ImportMissingBlock = "import::missing_block",
    ImportMissingColumn = "import::missing_column",
    ImportMissingReceivedOn = "import::missing_received_on",
    ImportMissingReport = "import::missing_report",
    ImportMissingSection = "import::missing_section",
    ImportMissingTitle = "import::missing_title",
    ImportMissingTotal = "import::missing_total",
    ImportMissingUnitName = "import::missing_unit_name",
    ImportMissingValue = "import::missing_value",
    ImportNoTemplates = "import::no_templates",
    ImportNoYear = "import::no_year",
    ImportNotANumber = "import::not_a_number",
    ImportNotDocx = "import::not_docx",
    ImportNoteDropped = "import::note_dropped",
    ImportOldWord = "import::old_word",
    ImportPartNotImported = "import::part_not_imported",
    ImportRenamedHeading = "import::renamed_heading",
    ImportRowWithoutItem = "import::row_without_item",
    ImportSchemaMismatch = "import::schema_mismatch",
    ImportSkippedTable = "import::skipped_table",
    ImportSupervisorDuty = "import::supervisor_duty",
    ImportTemplateRowsMissing = "import::template_rows_missing",
    ImportTemplates = "import::templates",
    ImportTextBeforeSections = "import::text_before_sections",
    ImportTitleMismatch = "import::title_mismatch",
    ImportTooLarge = "import::too_large",
    ImportTooManyElements = "import::too_many_elements",
    ImportTotalByPosition = "import::total_by_position",
    ImportUnitNameDiffers = "import::unit_name_differs",
    ImportUnitsDisagree = "import::units_disagree",
    ImportUnknownHeading = "import::unknown_heading",
    ImportUnknownListedAttachment = "import::unknown_listed_attachment",
    ImportUnknownRow = "import::unknown_row",
    ImportUnknownTable = "import::unknown_table",
    ImportYearMismatch = "import::year_mismatch",
}

impl Code {
    /// The phase: `rules`, `submission`, `review`, `io`, `fmt`, `case` or
    /// `import`.
    pub fn phase(self) -> &'static str {
        self.as_str().split("::").next().unwrap_or("")
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Tests and programs that hold a code as text compare it directly.
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
