//! Every diagnostic the loader, the calendar and the RRULE parser can emit, and the
//! plan's lints about one session: each triggered by a small schedule, each rendering
//! snapshot-checked, and each checked to name the file, line and column of the
//! offending value, to say what was expected, and to carry a help line.
//!
//! A new diagnostic needs a case here: `every_site_has_a_case` counts the places in
//! the source that build one.

use crate::support::{TERM, Test};

/// One diagnostic: the source file that emits it, a schedule that triggers it, and
/// words of its message.
struct Case {
    site: &'static str,
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    /// What `validate` is run on.
    target: &'static str,
    words: String,
}

fn case(site: &'static str, name: &'static str, yaml: String, words: &str) -> Case {
    Case {
        site,
        name,
        files: vec![("t.yaml", yaml.into_bytes())],
        target: "t.yaml",
        words: words.to_string(),
    }
}

impl Case {
    fn file(mut self, name: &'static str, contents: impl Into<Vec<u8>>) -> Self {
        self.files.push((name, contents.into()));
        self
    }

    fn target(mut self, target: &'static str) -> Self {
        self.target = target;
        self
    }
}

/// A term, defaults, and one class `c` with a theme, then `body` (its other fields,
/// indented by four spaces).
fn class(body: &str) -> String {
    format!(
        "{TERM}defaults: {{ anchor: a, duration: 1h }}\nclasses:\n  - id: c\n    theme: t\n{body}"
    )
}

/// Class `c` with `rrule: VALUE` (quoted) and a start.
fn rule(value: &str) -> String {
    class(&format!(
        "    rrule: '{value}'\n    start: 2027-03-01T19:00\n"
    ))
}

/// Class `c` with a pasted iCalendar block.
fn block(lines: &[&str]) -> String {
    let mut body = "    rrule: |\n".to_string();
    for line in lines {
        body += &format!("      {line}\n");
    }
    class(&body)
}

const DTSTART: &str = "DTSTART;TZID=Asia/Shanghai:20270301T190000";

fn loader() -> Vec<Case> {
    vec![
        case("load.rs", "a file that cannot be read", format!("{TERM}classes_from: [nope.csv]\n"), "cannot read `nope.csv`"),
        case("load.rs", "a file in no known encoding", format!("{TERM}classes_from: [c.csv]\n"), "is neither UTF-8 nor GB18030")
            .file("c.csv", b"id,theme\nc,\xff\xfe\xff\n".to_vec()),
        case("load.rs", "a CSV file given as the schedule", String::new(), "a CSV file holds classes only")
            .file("c.csv", "id,theme,anchor,duration,days,at\nc,t,a,1h,mon,10:00\n")
            .target("c.csv"),
        case("load.rs", "YAML that does not parse", format!("{TERM}classes: [\n  - id: c\n"), "invalid YAML"),
        case("load.rs", "a class id given twice", class("    at: 2027-03-01T10:00\n  - { id: c, theme: u, at: 2027-03-02T10:00 }\n"), "duplicate class id `c`"),
        case("load.rs", "a change naming a class that is nearly there", class("    at: 2027-03-01T10:00\nchanges:\n  - { class: cc, date: 2027-03-01, cancel: true }\n"), "change names unknown class `cc`"),
        case("load.rs", "a change naming no class at all", class("    at: 2027-03-01T10:00\nchanges:\n  - { class: physics, date: 2027-03-01, cancel: true }\n"), "change names unknown class `physics`"),
        case("document.rs", "an unknown version", "version: 2\nterm:\n  start: 2027-02-22\n  end: 2027-06-27\n".into(), "unsupported `version`"),
        case("document.rs", "no term", "version: 1\nclasses: []\n".into(), "the schedule has no `term`"),
        case("document.rs", "defaults with an id", format!("{TERM}defaults: {{ id: x, anchor: a }}\n"), "`defaults` cannot give an `id`"),
        case("reader.rs", "a key that is not text", format!("{TERM}  ? [a]\n  : x\n"), "has a key that is not text"),
        case("reader.rs", "an unknown field, nearly a known one", class("    thme: x\n    at: 2027-03-01T10:00\n"), "unknown field `thme`"),
        case("reader.rs", "an unknown field", class("    colour: red\n    at: 2027-03-01T10:00\n"), "unknown field `colour`"),
        case("reader.rs", "classes that are not a list", format!("{TERM}classes: 5\n"), "`classes` should be a list of classes"),
        case("reader.rs", "a term that is not a mapping", "version: 1\nterm: 2027\n".into(), "`term` should be a mapping"),
        case("reader.rs", "a theme that is a list", format!("{TERM}defaults: {{ anchor: a, duration: 1h }}\nclasses:\n  - id: c\n    theme: [a, b]\n    at: 2027-03-01T10:00\n"), "`classes[0].theme` should be text"),
        case("reader.rs", "cancel that is not a boolean", class("    at: 2027-03-01T10:00\nchanges:\n  - { class: c, date: 2027-03-01, cancel: 5 }\n"), "should be `true` or `false`"),
        case("reader.rs", "a term date that is not a date", "version: 1\nterm:\n  start: 2027-02-30\n  end: 2027-06-27\n".into(), "invalid `term.start`"),
        case("reader.rs", "an unknown time zone", "version: 1\nterm:\n  timezone: Asia/Shanghia\n  start: 2027-02-22\n  end: 2027-06-27\n".into(), "invalid `term.timezone`"),
        case("reader.rs", "a make-up day running no known timetable", format!("{TERM}  workdays:\n    - {{ date: 2027-05-08, as: fryday }}\n"), "invalid `term.workdays[0].as`"),
        case("reader.rs", "a move to no date", class("    at: 2027-03-01T10:00\nchanges:\n  - { class: c, date: 2027-03-01, move_to: tomorrow }\n"), "invalid `changes[0].move_to`"),
        case("reader.rs", "a term without an end", "version: 1\nterm:\n  start: 2027-02-22\n".into(), "`term` needs `end`"),
        case("class.rs", "weeks given twice", class("    weekly: { days: [mon], at: \"10:00\", weeks: odd }\n    weeks: even\n"), "is given twice, here and in `weekly`"),
        case("class.rs", "weekly without a time", class("    weekly: { days: [mon] }\n"), "`classes[0].weekly` needs `at`"),
        case("term.rs", "a term that ends before it starts", "version: 1\nterm:\n  start: 2027-06-27\n  end: 2027-02-22\n".into(), "the term ends"),
        case("term.rs", "a make-up day listed twice", format!("{TERM}  workdays:\n    - {{ date: 2027-05-08, as: fri }}\n    - {{ date: 2027-05-08, as: mon }}\n"), "is listed twice"),
        case("term.rs", "a make-up day outside the term", format!("{TERM}  workdays:\n    - {{ date: 2027-08-07, as: fri }}\n"), "is outside the term"),
        case("term.rs", "a make-up day on a holiday", format!("{TERM}  holidays: [2027-05-08]\n  workdays:\n    - {{ date: 2027-05-08, as: fri }}\n"), "is both a make-up workday and a holiday"),
        case("term.rs", "a holiday that ends before it starts", format!("{TERM}  holidays:\n    - {{ from: 2027-05-05, to: 2027-05-01 }}\n"), "ends before it starts"),
        case("changes.rs", "a change that cancels and edits", class("    at: 2027-03-01T10:00\nchanges:\n  - { class: c, date: 2027-03-01, cancel: true, anchor: b }\n"), "cancels the session and also edits it"),
        case("changes.rs", "a change that changes nothing", class("    at: 2027-03-01T10:00\nchanges:\n  - { class: c, date: 2027-03-01 }\n"), "changes nothing"),
        case("changes.rs", "a session changed twice", class("    at: 2027-03-01T10:00\nchanges:\n  - { class: c, date: 2027-03-01, anchor: b }\n  - { class: c, date: 2027-03-01, cancel: true }\n"), "again"),
        case("resolve.rs", "a class without an id", format!("{TERM}classes:\n  - theme: t\n    anchor: a\n    duration: 1h\n    at: 2027-03-01T10:00\n"), "a class has no `id`"),
        case("resolve.rs", "a class without a theme", format!("{TERM}classes:\n  - id: c\n    anchor: a\n    duration: 1h\n    at: 2027-03-01T10:00\n"), "class `c` has no `theme`"),
        case("resolve.rs", "a class with an empty anchor", format!("{TERM}classes:\n  - id: c\n    theme: t\n    anchor: ''\n    duration: 1h\n    at: 2027-03-01T10:00\n"), "class `c` has no `anchor`"),
        case("resolve.rs", "a class that ends before it starts", class("    at: 2027-03-01T10:00\n    from: 2027-04-01\n    until: 2027-03-01\n"), "ends before it starts"),
        case("resolve.rs", "a class that never meets", class(""), "class `c` never meets"),
        case("resolve.rs", "a time listed twice", class("    weekly: { days: [mon], at: [\"10:00\", \"10:00\"] }\n"), "lists 10:00 twice"),
        case("resolve.rs", "two ways of recurring", class("    weekly: { days: [mon], at: \"10:00\" }\n    at: 2027-03-01T10:00\n"), "gives both `weekly` and `at`"),
        case("resolve.rs", "an image over 2 MB", class("    type: activity\n    at: 2027-03-01T10:00\n    activity: { cover: big.png }\n"), "image `big.png` is over 2 MB")
            .file("big.png", vec![0u8; 2 * 1024 * 1024 + 1]),
        case("load.rs", "a file that is not text", format!("{TERM}classes_from: [c.csv]\n"), "is not a text file")
            .file("c.csv", b"id,theme\nc,\0\n".to_vec()),
        case("load.rs", "a file outside the tree", format!("{TERM}classes_from: [/etc/hostname]\n"), "cannot read `/etc/hostname`"),
        case("calendar_file.rs", "a calendar that does not parse", "version: 1\nterm: { calendar: cal.yaml }\n".into(), "invalid YAML")
            .file("cal.yaml", "start: [\n"),
        case("term.rs", "a calendar of an unknown version", "version: 1\nterm: { calendar: cal.yaml }\n".into(), "unsupported `version`")
            .file("cal.yaml", "version: 3\nstart: 2027-02-22\nend: 2027-06-27\n"),
        case("term.rs", "a term without a start", "version: 1\nterm:\n  end: 2027-06-27\n".into(), "`term` needs `start`"),
        case("roster.rs", "a learner listed twice", class("    at: 2027-03-01T10:00\n    learners: [u1, u1]\n"), "learner `u1` is listed twice"),
        case("roster.rs", "a roster that is not there", class("    at: 2027-03-01T10:00\n    learners: r.csv\n"), "roster `r.csv` not found"),
        case("roster.rs", "an empty roster", class("    at: 2027-03-01T10:00\n    learners: r.csv\n"), "roster `r.csv` is empty")
            .file("r.csv", ""),
        case("roster.rs", "a roster without userids", class("    at: 2027-03-01T10:00\n    learners: r.csv\n"), "has no `userid` column")
            .file("r.csv", "name\nZhang\n"),
        case("roster.rs", "a roster row without a userid", class("    at: 2027-03-01T10:00\n    learners: r.csv\n"), "has no userid")
            .file("r.csv", "userid,name\n,Zhang\n"),
        case("roster.rs", "a roster userid that is not one", class("    at: 2027-03-01T10:00\n    learners: r.csv\n"), "invalid `userid`")
            .file("r.csv", "userid\nzhang san\n"),
        case("roster.rs", "a roster of nobody", class("    at: 2027-03-01T10:00\n    learners: r.csv\n"), "lists nobody")
            .file("r.csv", "userid\n"),
        case("resolve.rs", "an image that is not there", class("    type: activity\n    at: 2027-03-01T10:00\n    activity: { images: [nope.jpg] }\n"), "image `nope.jpg` not found"),
    ]
}

/// One refused value per class field: what each field's parser expects.
fn fields() -> Vec<Case> {
    let with = |name: &'static str, body: &str, words: &str| {
        case("class_fields.rs", name, class(body), words)
    };
    vec![
        case(
            "class_fields.rs",
            "an id with a space",
            format!(
                "{TERM}defaults: {{ anchor: a, duration: 1h }}\nclasses:\n  - id: c d\n    theme: t\n    at: 2027-03-01T10:00\n"
            ),
            "invalid `classes[0].id`",
        ),
        with(
            "an unknown type",
            "    type: webinar\n    at: 2027-03-01T10:00\n",
            "invalid `classes[0].type`",
        ),
        with(
            "a duration in no unit",
            "    duration: ninety\n    at: 2027-03-01T10:00\n",
            "invalid `classes[0].duration`",
        ),
        with(
            "a duration of nothing",
            "    duration: 0m\n    at: 2027-03-01T10:00\n",
            "invalid `classes[0].duration`: `0m`",
        ),
        with(
            "a reminder too early",
            "    remind: 200h\n    at: 2027-03-01T10:00\n",
            "invalid `classes[0].remind`",
        ),
        with(
            "a negative agentid",
            "    agentid: -5\n    at: 2027-03-01T10:00\n",
            "invalid `classes[0].agentid`",
        ),
        with(
            "an unknown weekday",
            "    weekly: { days: [mon, fro], at: \"10:00\" }\n",
            "invalid `classes[0].weekly.days[1]`",
        ),
        with(
            "a time past midnight",
            "    weekly: { days: [mon], at: \"25:00\" }\n",
            "invalid `classes[0].weekly.at`",
        ),
        with(
            "every zero weeks",
            "    weekly: { days: [mon], at: \"10:00\", every: 0 }\n",
            "invalid `classes[0].weekly.every`",
        ),
        with(
            "weeks backwards",
            "    weekly: { days: [mon], at: \"10:00\" }\n    weeks: 8-1\n",
            "invalid `classes[0].weeks`",
        ),
        with(
            "a one-off at no time",
            "    at: 2027-03-01\n",
            "invalid `classes[0].at`",
        ),
        with(
            "a date that does not exist",
            "    dates: [2027-03-01T10:00, 2027-02-30T10:00]\n",
            "invalid `classes[0].dates[1]`",
        ),
        with(
            "a start that is no date",
            "    rrule: FREQ=DAILY\n    start: soon\n",
            "invalid `classes[0].start`",
        ),
        with(
            "a from that is no date",
            "    at: 2027-03-01T10:00\n    from: 2027-13-01\n",
            "invalid `classes[0].from`",
        ),
        with(
            "an until that is no date",
            "    at: 2027-03-01T10:00\n    until: June\n",
            "invalid `classes[0].until`",
        ),
        with(
            "a count of zero",
            "    at: 2027-03-01T10:00\n    count: 0\n",
            "invalid `classes[0].count`",
        ),
        with(
            "a skip that is no date",
            "    weekly: { days: [mon], at: \"10:00\" }\n    skip: [2027-03-01, 2027-13-01]\n",
            "invalid `classes[0].skip[1]`",
        ),
    ]
}

fn csv() -> Vec<Case> {
    let with = |name: &'static str, csv: &str, words: &str| {
        case(
            "csv/classes.rs",
            name,
            format!("{TERM}classes_from: [c.csv]\n"),
            words,
        )
        .file("c.csv", csv.to_string())
    };
    vec![
        with("an empty CSV file", "", "the CSV file is empty"),
        with(
            "an unknown column",
            "id,theme,anchr\nc,t,a\n",
            "unknown column `anchr`",
        ),
        with(
            "a row short of columns",
            "id,theme,anchor,duration,days,at\nc,t,a,1h,mon\n",
            "row 2 has 5 columns",
        ),
        with(
            "days without a time",
            "id,theme,anchor,duration,days\nc,t,a,1h,mon\n",
            "a row with `days` needs `at`",
        ),
        with(
            "a date without a time",
            "id,theme,anchor,duration,date\nc,t,a,1h,2027-03-01\n",
            "a row with `date` needs `at`",
        ),
        with(
            "a date cell that is no date",
            "id,theme,anchor,duration,date,at\nc,t,a,1h,2027-02-30,10:00\n",
            "invalid `date`",
        ),
    ]
}

fn rules() -> Vec<Case> {
    let parse = |name: &'static str, value: &str, words: &str| {
        case("calendar/rrule/parse.rs", name, rule(value), words)
    };
    let values = |name: &'static str, value: &str, words: &str| {
        case("calendar/rrule/parse/values.rs", name, rule(value), words)
    };
    let ical = |name: &'static str, lines: &[&str], words: &str| {
        case("calendar/rrule/ical.rs", name, block(lines), words)
    };
    let params = |name: &'static str, lines: &[&str], words: &str| {
        case("calendar/rrule/ical/params.rs", name, block(lines), words)
    };
    let check = |name: &'static str, value: &str, words: &str| {
        case("calendar/rrule/check.rs", name, rule(value), words)
    };
    let spec =
        |name: &'static str, yaml: String, words: &str| case("rule_value.rs", name, yaml, words);
    vec![
        parse(
            "a part without a value sign",
            "FREQ=DAILY;COUNT",
            "expected `NAME=VALUE`, found `COUNT`",
        ),
        parse(
            "a part given twice",
            "FREQ=WEEKLY;BYDAY=MO;BYDAY=TU",
            "`BYDAY` is given twice",
        ),
        parse(
            "dateutil's BYEASTER",
            "FREQ=YEARLY;BYEASTER=0",
            "`BYEASTER` is not part of RFC 5545",
        ),
        parse(
            "an unknown part",
            "FREQ=DAILY;FOO=1",
            "unknown rule part `FOO`",
        ),
        parse(
            "a part without a value",
            "FREQ=DAILY;BYDAY=",
            "`BYDAY` has no value",
        ),
        parse("no FREQ", "BYDAY=MO,WE", "missing `FREQ`"),
        parse(
            "COUNT and UNTIL",
            "FREQ=DAILY;COUNT=3;UNTIL=20270601",
            "`COUNT` and `UNTIL` cannot both be given",
        ),
        parse(
            "a numbered weekday in a weekly rule",
            "FREQ=WEEKLY;BYDAY=MO,1FR",
            "a numbered weekday needs FREQ=MONTHLY or FREQ=YEARLY",
        ),
        parse(
            "a numbered weekday with week numbers",
            "FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO",
            "a numbered weekday cannot be used with `BYWEEKNO`",
        ),
        parse(
            "days of the month in a weekly rule",
            "FREQ=WEEKLY;BYMONTHDAY=1",
            "`BYMONTHDAY` cannot be used with FREQ=WEEKLY",
        ),
        parse(
            "week numbers in a monthly rule",
            "FREQ=MONTHLY;BYWEEKNO=3",
            "`BYWEEKNO` needs FREQ=YEARLY",
        ),
        parse(
            "days of the year in a daily rule",
            "FREQ=DAILY;BYYEARDAY=100",
            "`BYYEARDAY` cannot be used with FREQ=DAILY",
        ),
        values(
            "an unknown frequency",
            "FREQ=FORTNIGHTLY",
            "`FORTNIGHTLY` is not a frequency",
        ),
        values(
            "an interval of zero",
            "FREQ=DAILY;INTERVAL=0",
            "`INTERVAL` must be a whole number",
        ),
        values(
            "an empty list item",
            "FREQ=WEEKLY;BYDAY=MO,,FR",
            "empty item in `BYDAY`",
        ),
        values(
            "two bad seconds",
            "FREQ=DAILY;BYSECOND=0,61,30,75",
            "`61` and `75` are not seconds",
        ),
        values(
            "bad weekdays",
            "FREQ=WEEKLY;BYDAY=MO,XX,YY",
            "`XX` and `YY` are not weekdays",
        ),
        values(
            "a weekday number out of range",
            "FREQ=MONTHLY;BYDAY=0FR,60MO",
            "`0` and `60` are not weekday numbers",
        ),
        values(
            "an unknown week start",
            "FREQ=WEEKLY;WKST=XY",
            "`XY` is not a weekday",
        ),
        values(
            "an end that is no date",
            "FREQ=DAILY;UNTIL=2027-06-01",
            "`2027-06-01` is not a date or date-time",
        ),
        params(
            "an unknown zone",
            &["DTSTART;TZID=Mars/Base:20270301T190000", "RRULE:FREQ=DAILY"],
            "unknown time zone `Mars/Base`",
        ),
        params(
            "a period excluded",
            &[
                DTSTART,
                "RRULE:FREQ=DAILY;COUNT=5",
                "EXDATE;VALUE=PERIOD:20270302T190000/PT1H",
            ],
            "unsupported value type `PERIOD`",
        ),
        params(
            "an unknown parameter",
            &[
                DTSTART,
                "RRULE:FREQ=DAILY;COUNT=5",
                "RDATE;X-FOO=1:20270310T190000",
            ],
            "unsupported parameter `X-FOO`",
        ),
        params(
            "dates that are not dates",
            &[
                DTSTART,
                "RRULE:FREQ=DAILY;COUNT=5",
                "EXDATE:20270302T190000,tomorrow,20270230",
            ],
            "`tomorrow` and `20270230` are not dates or date-times",
        ),
        params(
            "a period that ends before it starts",
            &[
                DTSTART,
                "RRULE:FREQ=WEEKLY;COUNT=3",
                "RDATE;VALUE=PERIOD:20270303T190000/20270303T180000",
            ],
            "the period ends before it starts",
        ),
        params(
            "a UTC value with a zone",
            &[
                DTSTART,
                "RRULE:FREQ=DAILY;COUNT=3",
                "EXDATE;TZID=Asia/Shanghai:20270302T110000Z",
            ],
            "a UTC value cannot also have a `TZID`",
        ),
        ical(
            "RRULE and DTSTART on one line",
            &["RRULE:FREQ=WEEKLY;BYDAY=MO DTSTART;TZID=Asia/Shanghai:20270301T190000"],
            "`RRULE` and `DTSTART` are written on one line",
        ),
        ical(
            "a line without a colon",
            &[DTSTART, "RRULE:FREQ=DAILY", "just words"],
            "expected `NAME:VALUE`",
        ),
        ical(
            "RRULE with parameters",
            &[DTSTART, "RRULE;X=1:FREQ=DAILY"],
            "`RRULE` takes no parameters",
        ),
        ical(
            "a whole event pasted",
            &[
                DTSTART,
                "DTEND;TZID=Asia/Shanghai:20270301T203000",
                "RRULE:FREQ=DAILY",
            ],
            "unsupported line `DTEND`",
        ),
        ical(
            "two DTSTARTs",
            &[DTSTART, DTSTART, "RRULE:FREQ=DAILY"],
            "`DTSTART` is given twice",
        ),
        ical(
            "DTSTART with two values",
            &[
                "DTSTART:20270301T190000,20270302T190000",
                "RRULE:FREQ=DAILY",
            ],
            "`DTSTART` takes a single value",
        ),
        ical(
            "two RRULEs",
            &[DTSTART, "RRULE:FREQ=DAILY", "RRULE:FREQ=WEEKLY"],
            "`RRULE` is given twice",
        ),
        check(
            "days no month has",
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
            "this rule produces nothing",
        ),
        check(
            "a day of the year outside the months",
            "FREQ=YEARLY;BYYEARDAY=366;BYMONTH=1",
            "this rule produces nothing",
        ),
        check(
            "a week outside the months",
            "FREQ=YEARLY;BYWEEKNO=1;BYMONTH=6",
            "this rule produces nothing",
        ),
        check(
            "a sixth Friday",
            "FREQ=MONTHLY;BYDAY=6FR",
            "this rule produces nothing",
        ),
        check(
            "a position past every candidate",
            "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6",
            "this rule produces nothing",
        ),
        check(
            "an end before the start",
            "FREQ=DAILY;UNTIL=20270201",
            "this rule produces nothing",
        ),
        check(
            "an end before the first occurrence",
            "FREQ=MONTHLY;BYDAY=1FR;UNTIL=20270302",
            "this rule produces nothing",
        ),
        check(
            "hours an interval never reaches",
            "FREQ=HOURLY;INTERVAL=2;BYHOUR=10,12",
            "this rule produces nothing",
        ),
        check(
            "months an interval never reaches",
            "FREQ=MONTHLY;INTERVAL=12;BYMONTH=6",
            "this rule produces nothing",
        ),
        spec(
            "a start given twice",
            block(&[DTSTART, "RRULE:FREQ=DAILY"]).replace(
                "      RRULE:FREQ=DAILY\n",
                "      RRULE:FREQ=DAILY\n    start: 2027-03-01T19:00\n",
            ),
            "gives its start twice",
        ),
        spec(
            "a rule without a start",
            class("    rrule: FREQ=DAILY\n"),
            "has an `rrule` but no `start`",
        ),
        spec(
            "a rule in another zone",
            block(&[
                "DTSTART;TZID=Europe/London:20270301T190000",
                "RRULE:FREQ=DAILY;COUNT=3",
            ]),
            "is in `Europe/London`, the term in `Asia/Shanghai`",
        ),
        spec(
            "a period longer than the session",
            block(&[
                DTSTART,
                "RRULE:FREQ=WEEKLY;COUNT=3",
                "RDATE;VALUE=PERIOD:20270303T190000/PT2H",
            ]),
            "the period's length is not used",
        ),
        spec(
            "an error inside the rule",
            rule("FREQ=DAILY;BYMONTH=13"),
            "invalid `rrule` of class `c`: `13` is not a month",
        ),
    ]
}

/// Problems about one session, found when the plan is made: each at the field that
/// produced the value.
fn lints() -> Vec<Case> {
    let long = "很".repeat(101);
    vec![
        case(
            "lint.rs",
            "a theme too long once filled in",
            class("    weekly: { days: [mon], at: \"10:00\" }\n").replace(
                "    theme: t\n",
                "    theme: 机器学习导论与实践之深度学习专题研讨{n}讲\n",
            ),
            "is too long once filled in",
        ),
        case(
            "lint.rs",
            "a description too long",
            class(&format!(
                "    at: 2027-03-01T10:00\n    description: {long}\n"
            )),
            "description of `c` is too long",
        ),
        case(
            "lint.rs",
            "an activity's description too long",
            class(&format!(
                "    type: activity\n    at: 2027-03-01T10:00\n    activity: {{ description: {long} }}\n"
            )),
            "description of `c` is too long",
        ),
        case(
            "lint.rs",
            "a session off the minute from BYSECOND",
            rule("FREQ=WEEKLY;BYSECOND=30;COUNT=3"),
            "not on a whole minute",
        ),
        case(
            "lint.rs",
            "a session off the minute from a move",
            class(
                "    at: 2027-03-01T10:00\nchanges:\n  - { class: c, date: 2027-03-01, move_to: 2027-03-02T10:00:15 }\n",
            ),
            "not on a whole minute",
        ),
        case(
            "lint.rs",
            "a session off the minute from an RDATE",
            block(&[
                DTSTART,
                "RRULE:FREQ=WEEKLY;COUNT=2",
                "RDATE;TZID=Asia/Shanghai:20270303T190005",
            ]),
            "not on a whole minute",
        ),
        case(
            "lint.rs",
            "a description an activity does not send",
            class(
                "    type: activity\n    description: 写在外面\n    at: 2027-03-01T10:00\n    activity: { description: 写在里面 }\n",
            ),
            "is not sent",
        ),
        case(
            "lint.rs",
            "a description sent as the activity's",
            class("    type: activity\n    description: 写在外面\n    at: 2027-03-01T10:00\n"),
            "is sent as `activity_detail.description`",
        ),
        case(
            "lint.rs",
            "more images than WeCom keeps",
            class(
                "    type: activity\n    at: 2027-03-01T10:00\n    activity: { images: [m1, m2, m3, m4, m5, m6] }\n",
            ),
            "has 6 images",
        ),
        case(
            "lint.rs",
            "an activity section on another kind of live",
            class("    at: 2027-03-01T10:00\n    activity: { description: 没用 }\n"),
            "is ignored: it is not an activity live",
        ),
        case(
            "lint.rs",
            "two sessions of one anchor at once",
            class(
                "    weekly: { days: [mon], at: \"10:00\" }\n  - { id: d, theme: u, at: 2027-03-01T10:30 }\n",
            ),
            "has two sessions at once",
        ),
        case(
            "expand.rs",
            "a class without a session",
            class("    weekly: { days: [mon], at: \"10:00\" }\n    from: 2027-06-28\n"),
            "class `c` has no session",
        ),
        case(
            "expand.rs",
            "a move outside the term",
            class(
                "    at: 2027-03-01T10:00\nchanges:\n  - { class: c, date: 2027-03-01, move_to: 2027-07-01T10:00 }\n",
            ),
            "outside the term",
        ),
        case(
            "expand.rs",
            "a change that names no session",
            class(
                "    at: 2027-03-01T10:00\nchanges:\n  - { class: c, date: 2027-03-02, cancel: true }\n",
            ),
            "has no session on 2027-03-02 to change",
        ),
        case(
            "occurrences.rs",
            "a date outside the term",
            class("    dates: [2027-03-01T10:00, 2027-07-01T10:00]\n"),
            "is outside the term and is left out",
        ),
        case(
            "occurrences.rs",
            "a date on a holiday",
            format!(
                "{TERM}  holidays: [2027-03-01]\ndefaults: {{ anchor: a, duration: 1h }}\nclasses:\n  - id: c\n    theme: t\n    dates: [2027-03-01T10:00, 2027-03-02T10:00]\n"
            ),
            "falls on a holiday",
        ),
    ]
}

/// Each problem as rendered, from its `×`/`⚠` line to the next.
fn blocks(stderr: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in stderr.lines() {
        if line.starts_with("  ×") || line.starts_with("  ⚠") {
            out.push(String::new());
        }
        if let Some(block) = out.last_mut()
            && !line.starts_with('`')
        {
            block.push_str(line);
            block.push('\n');
        }
    }
    out
}

/// Runs every case, checks each rendering, and returns them all for the snapshot.
fn rendered(cases: Vec<Case>) -> String {
    let mut all = String::new();
    let mut failures = Vec::new();
    for case in cases {
        let mut t = Test::new();
        for (name, contents) in &case.files {
            t = t.file(name, contents);
        }
        let out = t.run(&["validate", case.target]);
        let found = blocks(&out.stderr)
            .into_iter()
            .find(|b| b.lines().next().is_some_and(|l| l.contains(&case.words)));
        let Some(block) = found else {
            failures.push(format!(
                "{}: no problem says {:?}:\n{}",
                case.name, case.words, out.stderr
            ));
            continue;
        };
        let placed = block.lines().any(|l| {
            l.contains("╭─[")
                && l.split(':')
                    .filter(|p| p.trim_end_matches(']').parse::<u32>().is_ok())
                    .count()
                    == 2
        });
        let mut lacks = Vec::new();
        if !placed {
            lacks.push("a file:line:column");
        }
        // An empty file has no line to mark: its message says what was expected.
        let empty_file =
            !block.contains(" │ ") && block.lines().next().is_some_and(|l| l.contains("expected"));
        if !block.contains("╰── expected") && !empty_file {
            lacks.push("a label saying what was expected");
        }
        if !block.contains("help:") {
            lacks.push("a help line");
        }
        if !lacks.is_empty() {
            failures.push(format!(
                "{}: lacks {}:\n{block}",
                case.name,
                lacks.join(", ")
            ));
        }
        all += &format!("── {} ({})\n{block}\n", case.name, case.site);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    all
}

#[test]
fn every_loader_diagnostic_names_its_place() {
    let mut cases = loader();
    cases.extend(fields());
    cases.extend(csv());
    insta::assert_snapshot!("loader", rendered(cases));
}

#[test]
fn every_rrule_diagnostic_names_its_place() {
    insta::assert_snapshot!("rrule", rendered(rules()));
}

#[test]
fn every_session_lint_names_the_field_behind_it() {
    insta::assert_snapshot!("lints", rendered(lints()));
}

/// Diagnostics no schedule can reach, as the engine renders them with their text.
#[test]
fn a_rule_without_a_start_is_an_error_of_the_engine() {
    use livesched::calendar::rrule::parse_ical;
    let text = "RDATE:20270305T150000\nRRULE:FREQ=DAILY";
    let err = parse_ical(text)
        .unwrap()
        .occurrences(&jiff::tz::TimeZone::UTC, jiff::civil::DateTime::MAX)
        .unwrap_err();
    assert!(err.expected.is_some() && err.help.is_some(), "{err:?}");
    let report = miette::Report::new(err).with_source_code(text);
    let mut out = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut out, report.as_ref())
        .unwrap();
    insta::assert_snapshot!("engine_only", out);
}

/// The places in the source that build a diagnostic, per file: a new one without a
/// case here fails this test. Some build several (a `match` of messages), some
/// none a schedule can reach; `ALLOWANCE` says which and why.
#[test]
fn every_site_has_a_case() {
    const ALLOWANCE: &[(&str, usize, &str)] = &[
        (
            "yaml/reader.rs",
            1,
            "`fn error` itself builds the problem its callers fill in",
        ),
        (
            "class_fields/written.rs",
            1,
            "`refused_value` is called by `read` and builds the problem",
        ),
        (
            "calendar/rrule/set.rs",
            1,
            "a rule without DTSTART: a schedule always has a start; see a_rule_without_a_start_is_an_error_of_the_engine",
        ),
        ("calendar/rrule/check.rs", 0, ""),
        (
            "plan/expand.rs",
            1,
            "more sessions than `--max-sessions` is hostile::unbounded_input_is_refused_early_and_briefly",
        ),
        (
            "plan/occurrences.rs",
            2,
            "a TZID other than the term's and a rule without a start are refused when the schedule loads",
        ),
        (
            "plan/lint.rs",
            2,
            "the count of overlaps not shown and the creates beyond a day's quota are about the plan, not a place",
        ),
        ("csv/classes.rs", 0, ""),
        (
            "plan/across.rs",
            5,
            "checks across files (overlaps, shared ledgers, a run's creates): each is triggered by tests/it/files.rs",
        ),
        (
            "plan/health.rs",
            1,
            "a warning of `plan` and `status` against a ledger, not of `validate`: tests/it/apply/truth.rs",
        ),
    ];
    let mut cases: Vec<&str> = Vec::new();
    let all: Vec<Case> = [loader(), fields(), csv(), rules(), lints()]
        .into_iter()
        .flatten()
        .collect();
    for c in &all {
        cases.push(c.site);
    }
    let root = crate::support::repo();
    let mut missing = Vec::new();
    for dir in ["src/schedule", "src/calendar", "src/plan"] {
        for path in files(&root.join(dir)) {
            let text = std::fs::read_to_string(&path).unwrap();
            let sites = text
                .lines()
                .filter(|l| !l.contains("fn ") && !l.trim_start().starts_with("//"))
                .map(|l| {
                    [
                        "Problem::error(",
                        "Problem::warning(",
                        "RRuleError::new(",
                        "self.error(",
                        "refused_value(",
                    ]
                    .iter()
                    .map(|p| l.matches(p).count())
                    .sum::<usize>()
                })
                .sum::<usize>();
            if sites == 0 || path.ends_with("pipeline.rs") {
                continue;
            }
            let rel = path
                .strip_prefix(root.join("src"))
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let allowed = ALLOWANCE
                .iter()
                .find(|(f, _, _)| rel.ends_with(f))
                .map_or(0, |(_, n, _)| *n);
            let have = cases.iter().filter(|s| rel.ends_with(*s)).count();
            if have + allowed < sites {
                missing.push(format!(
                    "{rel}: {sites} sites, {have} cases (+{allowed} allowed)"
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "diagnostics without a case:\n{}",
        missing.join("\n")
    );
}

fn files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}
