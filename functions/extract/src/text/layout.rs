//! Reading order from positioned text: a PDF page is runs of text at coordinates, not lines.
//!
//! - Lines come from baselines: runs whose vertical extents overlap are one line.
//! - A wide horizontal gap splits a line into cells, each read as its own line: a heading in a
//!   left gutter beside its entry's first line ("Work   Senior Engineer") and a date aligned
//!   right ("Senior Engineer ........ 2019 – 2021") no longer merge into one line.
//! - Columns come from x-gaps that no text crosses. A column that holds much of the page's text
//!   (a sidebar, the second column of a two-column CV) is read whole, before the one to its
//!   right; a narrow one of short labels beside the text (a heading gutter) is read line by line.
//! - Text indented under the column's margin (a hanging indent) is a list item, its marker
//!   often drawn by CSS or lost.
//! - Page numbers and lines repeated at the same place on every page (running headers and
//!   footers) are dropped; icon glyphs (private-use code points) are dropped, a Word bullet
//!   glyph becomes a bullet.
//!
//! Coordinates are PDF points with y growing upwards, as pdf_oxide reports them.

use crate::heuristic::heading;

/// One run of text as the PDF draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub text: String,
    /// Left edge.
    pub x: f32,
    /// Bottom edge.
    pub y: f32,
    pub width: f32,
    pub height: f32,
    pub size: f32,
}

/// A piece of a line, as wide as its text.
#[derive(Debug, Clone, PartialEq)]
struct Cell {
    text: String,
    x0: f32,
    x1: f32,
    y: f32,
    top: f32,
    size: f32,
}

/// The lines of one page, in reading order; `height` is the page's height in points.
pub fn page_lines(runs: &[Run], height: f32) -> Vec<String> {
    let cells = cells(runs);
    let mut out = Vec::new();
    read_region(&cells, &mut out, 0);
    drop_page_furniture(out, height)
}

/// Reads the text of several pages, dropping what repeats at the same place on each page.
pub fn document_lines(pages: &[(Vec<Run>, f32)]) -> String {
    let per_page: Vec<Vec<String>> = pages.iter().map(|(runs, height)| page_lines(runs, *height)).collect();
    let mut text = String::new();
    for (i, page) in per_page.iter().enumerate() {
        for line in page {
            // A running header or footer: the same line on every other page too (kept where
            // it first appears: on the first page it may be the person's name).
            let repeated = i > 0
                && line.chars().count() > 3
                && per_page.iter().enumerate().filter(|(j, other)| *j != i && other.contains(line)).count()
                    == per_page.len() - 1
                && is_furniture_candidate(line);
            if !repeated {
                text.push_str(line);
                text.push('\n');
            }
        }
        text.push('\n');
    }
    text
}

/// A running header or footer is short: a name, a page label, a date.
fn is_furniture_candidate(text: &str) -> bool {
    text.split_whitespace().count() <= 8
}

/// A letter of a right-to-left script (Hebrew, Arabic, Syriac, Thaana...).
fn is_rtl_char(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// Whether any of `text` is in a right-to-left script.
pub fn has_rtl(text: &str) -> bool {
    text.chars().any(is_rtl_char)
}

/// Whether most of `text`'s letters are in a right-to-left script.
pub(crate) fn is_rtl(text: &str) -> bool {
    mostly_rtl(text.chars())
}

fn mostly_rtl(chars: impl Iterator<Item = char>) -> bool {
    let (rtl, letters) =
        chars.filter(|c| c.is_alphabetic()).fold((0, 0), |(r, n), c| (r + usize::from(is_rtl_char(c)), n + 1));
    letters > 0 && rtl * 2 > letters
}

/// Hebrew final letters end words: in text stored in visual order they start them.
const FINAL_FORMS: [char; 5] = ['ך', 'ם', 'ן', 'ף', 'ץ'];

/// Some PDFs store right-to-left text in visual order (the order it is drawn, left to right).
/// A run whose final letters start its words is put back in reading order; numbers and Latin
/// words inside it keep theirs.
fn logical_order(text: &str) -> String {
    if !is_rtl(text) {
        return text.to_owned();
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let starts = words.iter().filter(|w| w.chars().next().is_some_and(|c| FINAL_FORMS.contains(&c))).count();
    let ends = words.iter().filter(|w| w.chars().last().is_some_and(|c| FINAL_FORMS.contains(&c))).count();
    if starts <= ends {
        return text.to_owned();
    }
    reverse_visual(&text.chars().collect::<Vec<_>>())
}

/// Text drawn left to right -> the order it is read, in a right-to-left paragraph: the
/// characters reversed, numbers and Latin words inside kept in their own order, brackets
/// mirrored.
fn reverse_visual(drawn: &[char]) -> String {
    let reversed: Vec<char> = drawn.iter().rev().copied().collect();
    let mut out = String::with_capacity(reversed.len() * 2);
    let mut i = 0;
    while i < reversed.len() {
        if reversed[i].is_ascii_alphanumeric() {
            let start = i;
            while i < reversed.len()
                && (reversed[i].is_ascii_alphanumeric()
                    || (is_joiner(reversed[i]) && reversed.get(i + 1).is_some_and(char::is_ascii_alphanumeric)))
            {
                i += 1;
            }
            out.extend(reversed[start..i].iter().rev());
        } else {
            out.push(match reversed[i] {
                '(' => ')',
                ')' => '(',
                '[' => ']',
                ']' => '[',
                c => c,
            });
            i += 1;
        }
    }
    out
}

/// A line's characters in the order they are drawn (left to right) -> the order they are read.
/// A line mostly in a right-to-left script is a right-to-left paragraph: all of it reversed,
/// but for its numbers and Latin words. Otherwise each stretch of right-to-left words (with
/// the spaces, punctuation and numbers between them) is reversed where it stands: a Hebrew
/// place name inside an English line.
pub fn visual_to_logical(drawn: &str) -> String {
    let chars: Vec<char> = drawn.chars().collect();
    if !chars.iter().copied().any(is_rtl_char) {
        return drawn.to_owned();
    }
    if is_rtl(drawn) {
        return reverse_visual(&chars);
    }
    let mut out = String::with_capacity(drawn.len() * 2);
    let mut i = 0;
    while i < chars.len() {
        if !is_rtl_char(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // The stretch ends at its last right-to-left letter before a Latin one.
        let mut end = i;
        let mut j = i;
        let latin = |c: char| c.is_alphabetic() && !is_rtl_char(c);
        while j < chars.len() && !latin(chars[j]) {
            if is_rtl_char(chars[j]) {
                end = j;
            }
            j += 1;
        }
        out.push_str(&reverse_visual(&chars[i..=end]));
        i = end + 1;
    }
    out
}

/// One character as the PDF draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub c: char,
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    pub size: f32,
}

/// Runs from single characters, for text whose runs cannot be trusted to hold their letters
/// in either order (right-to-left text, which PDF writers store drawn or read order, and
/// PDF readers sometimes merge out of both). The characters of one baseline, left to right,
/// make a run up to a gap that would split a line into cells anyway; a narrower gap with no
/// space drawn in it is a space. Each run is then put in reading order.
pub fn runs_from_glyphs(mut glyphs: Vec<Glyph>) -> Vec<Run> {
    glyphs.retain(|g| g.x.is_finite() && g.y.is_finite() && g.width.is_finite() && g.size.is_finite());
    glyphs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut runs = Vec::new();
    let mut line: Vec<Glyph> = Vec::new();
    for glyph in glyphs {
        if line.first().is_some_and(|first| (first.y - glyph.y).abs() > first.size.max(glyph.size).max(1.0) * 0.3) {
            runs_of_line(&mut line, &mut runs);
        }
        line.push(glyph);
    }
    runs_of_line(&mut line, &mut runs);
    runs
}

fn runs_of_line(line: &mut Vec<Glyph>, runs: &mut Vec<Run>) {
    line.sort_by(|a, b| a.x.total_cmp(&b.x));
    let mut current: Option<Run> = None;
    let finish = |run: Run, runs: &mut Vec<Run>| runs.push(Run { text: visual_to_logical(&run.text), ..run });
    // Spaces are measured by the gaps between letters (a drawn space may sit inside a gap
    // wide enough to part two cells), as for runs.
    for glyph in line.drain(..).filter(|g| !g.c.is_whitespace()) {
        let size = glyph.size.max(1.0);
        match &mut current {
            Some(run) if glyph.x - (run.x + run.width) < gap_limit(run.size.min(size)) => {
                let gap = glyph.x - (run.x + run.width);
                if gap > size * 0.15 && !run.text.ends_with(' ') && glyph.c != ' ' {
                    run.text.push(' ');
                }
                run.text.push(glyph.c);
                run.width = run.width.max(glyph.x + glyph.width - run.x);
                run.height = run.height.max(glyph.height);
                run.y = run.y.min(glyph.y);
                run.size = run.size.max(size);
            }
            _ => {
                if let Some(done) = current.take() {
                    finish(done, runs);
                }
                current = Some(Run {
                    text: glyph.c.to_string(),
                    x: glyph.x,
                    y: glyph.y,
                    width: glyph.width.max(0.0),
                    height: glyph.height.max(1.0),
                    size,
                });
            }
        }
    }
    if let Some(done) = current {
        finish(done, runs);
    }
}

/// What joins the parts of a number, an address or a date: "2014-2018", "B.Sc.", "a@b.com".
fn is_joiner(c: char) -> bool {
    matches!(c, '.' | ',' | ':' | '/' | '-' | '@' | '+' | '_')
}

/// Icon fonts draw their glyphs at private-use code points; Word's bullet is one of them.
fn clean_run_text(text: &str) -> String {
    logical_order(text)
        .chars()
        .filter_map(|c| match c {
            '\u{F0B7}' | '\u{F0A7}' | '\u{F076}' | '\u{F0D8}' => Some('•'),
            '\u{E000}'..='\u{F8FF}' => None,
            c => Some(c),
        })
        .collect()
}

/// Letter-spaced figures come out a space apart ("2 0 2 1-0 3"): a stretch of short numeric
/// tokens, at least two of them single digits, is one number again ("2021-03"). Numbers set
/// apart on purpose ("+1 512 555 0187", "2019 - 2021") have no lone digits and stay.
fn unspace_digits(text: String) -> String {
    // Most runs have no digit, a space and a digit in a row: nothing to look at.
    if !text.as_bytes().windows(3).any(|w| w[0].is_ascii_digit() && w[1] == b' ' && w[2].is_ascii_digit()) {
        return text;
    }
    let numeric = |t: &str| t.chars().count() <= 4 && t.chars().all(|c| c.is_ascii_digit() || is_joiner(c));
    let lone_digit = |t: &str| t.len() == 1 && t.as_bytes()[0].is_ascii_digit();
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let mut words: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let mut j = i;
        while j < tokens.len() && numeric(tokens[j]) {
            j += 1;
        }
        if j - i >= 3 && tokens[i..j].iter().filter(|t| lone_digit(t)).count() >= 2 {
            words.push(tokens[i..j].concat());
            i = j;
        } else {
            words.push(tokens[i].to_owned());
            i += 1;
        }
    }
    if words.len() == tokens.len() {
        return text;
    }
    // The spaces at either end tell how the run meets its neighbours.
    let lead = if text.starts_with(char::is_whitespace) { " " } else { "" };
    let trail = if text.ends_with(char::is_whitespace) { " " } else { "" };
    format!("{lead}{}{trail}", words.join(" "))
}

/// Runs -> lines (by overlapping vertical extents) -> cells (split at wide gaps).
fn cells(runs: &[Run]) -> Vec<Cell> {
    let mut runs: Vec<Run> = runs
        .iter()
        .filter_map(|r| {
            let text = unspace_digits(clean_run_text(&r.text));
            (!text.trim().is_empty() && r.width.is_finite() && r.y.is_finite()).then(|| Run { text, ..r.clone() })
        })
        .collect();
    // Top of the page first, then left to right.
    runs.sort_by(|a, b| (b.y + b.height).total_cmp(&(a.y + a.height)).then(a.x.total_cmp(&b.x)));
    // Fake bold draws the same text twice, a fraction of a point apart: keep one.
    runs.dedup_by(|later, earlier| {
        later.text == earlier.text && (later.x - earlier.x).abs() < 1.5 && (later.y - earlier.y).abs() < 1.5
    });
    let mut lines: Vec<Vec<Run>> = Vec::new();
    for run in runs {
        let mid = run.y + run.height / 2.0;
        let joins = lines.iter_mut().rev().take(4).find(|line| {
            let (low, high) = line.iter().fold((f32::MAX, f32::MIN), |(l, h), r| (l.min(r.y), h.max(r.y + r.height)));
            mid > low && mid < high && (run.y - line[0].y).abs() < run.height.max(line[0].height) * 0.6
        });
        match joins {
            Some(line) => line.push(run),
            None => lines.push(vec![run]),
        }
    }
    for line in &mut lines {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    let stops = tab_stops(&lines);
    let mut out = Vec::new();
    for line in lines {
        let mut cell: Option<Cell> = None;
        for run in line {
            let run_size = run.size.max(1.0);
            // A heading run into the end of a paragraph's last line ("load. Experience"),
            // larger than the sentence it follows, starts a line of its own.
            let run_in_heading = |c: &Cell| run_size >= c.size * 1.2 && c.text.trim_end().ends_with(['.', '!', '?']);
            match &mut cell {
                Some(c) if run.x - c.x1 < gap_limit(c.size.min(run_size)) && !run_in_heading(c) => {
                    let gap = run.x - c.x1;
                    // A label in a column of its own ("Languages   Go, Python"): "Languages: Go,
                    // Python", as a list would write it.
                    let labelled = gap >= run_size * TAB_GAP
                        && stops.iter().any(|stop| (stop - run.x).abs() < 1.0)
                        && is_label_text(&c.text);
                    if labelled {
                        c.text = format!("{}: ", c.text.trim_end());
                    } else if gap >= run_size * ITEM_GAP
                        && is_item_text(c.text.rsplit(" · ").next().unwrap_or_default())
                        && is_item_text(&run.text)
                    {
                        // Words set apart by twice a space or more are separate items (tags drawn
                        // as chips, "Go  Python  SQL"), as a list would write them.
                        c.text.push_str(" · ");
                    } else if (gap > run_size * 0.15 || gap < -run_size * 0.3)
                        && !c.text.ends_with(' ')
                        && !run.text.starts_with(' ')
                    {
                        // Text drawn over the end of other text is not the same word.
                        c.text.push(' ');
                    }
                    c.text.push_str(&run.text);
                    c.x1 = c.x1.max(run.x + run.width);
                    c.top = c.top.max(run.y + run.height);
                    c.size = c.size.max(run_size);
                }
                _ => {
                    if let Some(done) = cell.take() {
                        out.push(done);
                    }
                    cell = Some(Cell {
                        text: run.text.clone(),
                        x0: run.x,
                        x1: run.x + run.width,
                        y: run.y,
                        top: run.y + run.height,
                        size: run_size,
                    });
                }
            }
        }
        out.extend(cell);
    }
    for cell in &mut out {
        cell.text = tidy(&cell.text);
    }
    out.retain(|c| !c.text.is_empty());
    out
}

/// A gap of at least this many ems before text that starts at a tab stop sets a label apart;
/// a space between words is about a quarter of an em.
const TAB_GAP: f32 = 0.45;

/// A gap of at least this many ems between runs that share a line and no tab stop parts two
/// items; a space between words is about a quarter of an em.
const ITEM_GAP: f32 = 0.5;

/// A tag's text: one to three words, no figures (not a date), no mark that opens a list item.
fn is_item_text(text: &str) -> bool {
    let words = text.split_whitespace().count();
    (1..=3).contains(&words)
        && text == text.trim()
        && !text.chars().any(|c| c.is_ascii_digit())
        && text.chars().next().is_some_and(char::is_alphanumeric)
}

/// Where text starts after a wide gap on at least three lines of a page: the second column of
/// a two-column table (moderncv's labels and their text, a Word document's tab stops).
fn tab_stops(lines: &[Vec<Run>]) -> Vec<f32> {
    let mut starts: Vec<f32> = Vec::new();
    for line in lines {
        let mut end = f32::MIN;
        for run in line {
            let gap = run.x - end;
            if gap >= run.size.max(1.0) * TAB_GAP && gap < gap_limit(run.size.max(1.0)) {
                starts.push(run.x);
            }
            end = end.max(run.x + run.width);
        }
    }
    starts.sort_by(f32::total_cmp);
    let mut stops = Vec::new();
    let mut i = 0;
    while i < starts.len() {
        let j = starts[i..].iter().take_while(|x| **x - starts[i] < 1.0).count();
        if j >= 3 {
            stops.push(starts[i]);
        }
        i += j;
    }
    stops
}

/// Text that can label what follows it: a few words, no figures (not a date), no colon yet.
fn is_label_text(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty()
        && text.split_whitespace().count() <= 4
        && !text.ends_with([':', ',', '.', '-', '–'])
        && !text.chars().any(|c| c.is_ascii_digit())
        && text.chars().any(char::is_alphabetic)
}

/// A gap wider than this splits a line: about an em of the smaller text (a space is a
/// quarter to a third of one), never less than 10 points.
fn gap_limit(size: f32) -> f32 {
    size.max(10.0)
}

/// A glyph the PDF gives no character for comes out as U+FFFD. In right-to-left text these are
/// the mirrored brackets a browser draws ("עברית �שפת אם�" is "עברית (שפת אם)") and spaces of
/// its own: a pair around words is brackets, one alone a space.
fn unmapped_glyphs(text: &str) -> String {
    if !text.contains('\u{FFFD}') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut parts = text.split('\u{FFFD}').peekable();
    let mut open = false;
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    while let Some(part) = parts.next() {
        let closes_later = parts.peek().is_some();
        let word_follows = part.starts_with(|c: char| !c.is_whitespace()) && !part.is_empty();
        if open {
            out.push(')');
            open = false;
        } else if word_follows && closes_later && !part.contains(',') {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
            out.push('(');
            open = true;
        } else {
            out.push(' ');
        }
        out.push_str(part);
    }
    if open {
        out.push(')');
    }
    out
}

/// Single spaces; a letter-spaced word ("S U M M A R Y") written as one.
fn tidy(text: &str) -> String {
    let text = unmapped_glyphs(text);
    let words: Vec<&str> = text.split_whitespace().collect();
    let spaced = words.len() >= 4 && words.iter().all(|w| w.chars().count() == 1 && w.chars().all(char::is_alphabetic));
    if spaced { words.concat() } else { words.join(" ") }
}

/// Reads a set of cells: split into columns at a gutter if there is one, else line by line.
fn read_region(cells: &[Cell], out: &mut Vec<(String, f32)>, depth: usize) {
    if cells.is_empty() {
        return;
    }
    if depth < 6 {
        if let Some(split) = column_split(cells) {
            let (left, right): (Vec<Cell>, Vec<Cell>) = cells.iter().cloned().partition(|c| c.x1 <= split);
            // Right-to-left pages start at the right.
            let rtl = mostly_rtl(cells.iter().flat_map(|c| c.text.chars()));
            let (first, second) = if rtl { (&right, &left) } else { (&left, &right) };
            read_region(first, out, depth + 1);
            read_region(second, out, depth + 1);
            return;
        }
        if let Some((above, below)) = band_cut(cells) {
            read_region(&above, out, depth + 1);
            read_region(&below, out, depth + 1);
            return;
        }
    }
    read_lines(cells, out);
}

/// Where to split a region into columns read one after the other: a vertical gap no cell
/// crosses, with substantial text on both sides that is not merely a label per line.
fn column_split(cells: &[Cell]) -> Option<f32> {
    if cells.len() < 2 {
        return None;
    }
    let mut spans: Vec<(f32, f32)> = cells.iter().map(|c| (c.x0, c.x1)).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut gaps = Vec::new();
    let mut reach = spans[0].1;
    for &(x0, x1) in &spans[1..] {
        if x0 - reach >= 8.0 {
            gaps.push((reach, x0));
        }
        reach = reach.max(x1);
    }
    let chars = |side: &[&Cell]| side.iter().map(|c| c.text.chars().count()).sum::<usize>();
    let total = chars(&cells.iter().collect::<Vec<_>>()).max(1);
    gaps.into_iter()
        .filter_map(|(from, to)| {
            let split = (from + to) / 2.0;
            let (left, right): (Vec<&Cell>, Vec<&Cell>) = cells.iter().partition(|c| c.x1 <= split);
            let (lc, rc) = (chars(&left), chars(&right));
            if lc * 100 < total * 12 || rc * 100 < total * 12 {
                return None;
            }
            // Labels beside the text (headings in a gutter, dates aligned right) are short and
            // far apart, one per block of the other side; a sidebar's lines follow each other.
            let narrow = if lc < rc { &left } else { &right };
            let short = narrow.iter().filter(|n| n.text.split_whitespace().count() <= 4).count();
            let dated = narrow.iter().filter(|n| has_year(&n.text)).count();
            let labels = (short * 10 >= narrow.len() * 8 && is_sparse(narrow)) || dated * 10 >= narrow.len() * 6;
            // Headings set beside their sections: every section heading of the region is on the
            // narrow side (a sidebar has headings of its own, and so has the column beside it).
            let wide = if lc < rc { &right } else { &left };
            let headings = |side: &[&Cell]| side.iter().filter(|c| heading(&c.text).is_some()).count();
            let labels = labels || (headings(narrow) >= 2 && headings(wide) == 0);
            let labels = labels || label_column(&left, &right).is_some();
            (!labels).then_some((split, to - from))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(split, _)| split)
}

/// A column of labels set flush right against the text they label, each on its row's baseline
/// (Europass: "Dates", "Occupation or position held" beside their values): the right edge they
/// share. A sidebar is flush left, and its lines keep their own spacing.
fn label_column(narrow: &[&Cell], wide: &[&Cell]) -> Option<f32> {
    // Two rows are enough: a page's end or a band may leave only a few of a form's rows.
    if narrow.len() < 2 {
        return None;
    }
    let mut edges: Vec<f32> = narrow.iter().map(|c| c.x1).collect();
    edges.sort_by(f32::total_cmp);
    let edge = edges[edges.len() / 2];
    let flush = narrow.iter().filter(|c| (c.x1 - edge).abs() < 2.0).count();
    let starts: Vec<f32> = narrow.iter().map(|c| c.x0).collect();
    let left_spread = starts.iter().cloned().fold(f32::MIN, f32::max) - starts.iter().cloned().fold(f32::MAX, f32::min);
    let by_y = by_baseline(wide);
    let largest = wide.iter().map(|w| w.size).fold(0.0, f32::max);
    let paired = narrow
        .iter()
        .filter(|c| {
            near_baseline(&by_y, c.y, c.size.max(largest) * 0.3)
                .iter()
                .any(|w| (w.y - c.y).abs() < c.size.max(w.size) * 0.3 && w.x0 > c.x1)
        })
        .count();
    // Two in five at least: the rest are section headings and labels wrapped onto a second line.
    (flush * 10 >= narrow.len() * 8 && left_spread > 10.0 && paired * 5 >= narrow.len() * 2).then_some(edge)
}

/// `cells` in the order of their baselines, for [`near_baseline`].
fn by_baseline<'a>(cells: &[&'a Cell]) -> Vec<&'a Cell> {
    let mut sorted = cells.to_vec();
    sorted.sort_by(|a, b| a.y.total_cmp(&b.y));
    sorted
}

/// The cells of `by_y` (sorted by baseline) whose baseline is less than `tolerance` from `y`:
/// found by halving, so that pairing every cell with its row stays O(n log n) on a full page.
fn near_baseline<'a, 'b>(by_y: &'b [&'a Cell], y: f32, tolerance: f32) -> &'b [&'a Cell] {
    let from = by_y.partition_point(|c| c.y <= y - tolerance);
    let to = by_y.partition_point(|c| c.y < y + tolerance).max(from);
    &by_y[from..to]
}

/// A year (19xx or 20xx) in the text: a date, or a range of them.
fn has_year(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(4).enumerate().any(|(i, w)| {
        (w.starts_with(b"19") || w.starts_with(b"20"))
            && w.iter().all(u8::is_ascii_digit)
            && !bytes.get(i + 4).is_some_and(u8::is_ascii_digit)
            && (i == 0 || !bytes[i - 1].is_ascii_digit())
    })
}

/// Cells spaced more than a few lines apart, most of the time.
fn is_sparse(cells: &[&Cell]) -> bool {
    let mut tops: Vec<(f32, f32)> = cells.iter().map(|c| (c.top, c.size)).collect();
    tops.sort_by(|a, b| b.0.total_cmp(&a.0));
    let gaps: Vec<bool> = tops.windows(2).map(|w| w[0].0 - w[1].0 > w[0].1.max(w[1].1) * 3.0).collect();
    gaps.iter().filter(|g| **g).count() * 10 >= gaps.len() * 7
}

/// Splits a region across a horizontal gap when the part below it (or above it) has columns
/// that the whole does not: a full-width header over a two-column body, or a footer under it.
fn band_cut(cells: &[Cell]) -> Option<(Vec<Cell>, Vec<Cell>)> {
    // Each cut tried costs a column search: bounded, for pages of hostile size.
    if cells.len() > MAX_CELLS_FOR_CUTS {
        return None;
    }
    let mut order: Vec<&Cell> = cells.iter().collect();
    order.sort_by(|a, b| b.top.total_cmp(&a.top));
    // Gaps between vertical bands: below every cell seen so far, above all the rest.
    let mut cuts: Vec<f32> = Vec::new();
    let mut lowest = f32::MAX;
    for pair in order.windows(2) {
        lowest = lowest.min(pair[0].y);
        if pair[1].top <= lowest {
            cuts.push((lowest + pair[1].top) / 2.0);
        }
    }
    let part = |cut: f32| -> (Vec<Cell>, Vec<Cell>) { cells.iter().cloned().partition(|c| c.y >= cut) };
    // The columns must be the body of the region, not a few lines of it (a grid of skills).
    let chars = |part: &[Cell]| part.iter().map(|c| c.text.chars().count()).sum::<usize>();
    let total = chars(cells).max(1);
    let body = |part: &[Cell]| chars(part) * 2 >= total && column_split(part).is_some();
    cuts.truncate(MAX_CUTS);
    let from_top = cuts.iter().map(|&cut| part(cut)).find(|(_, below)| body(below));
    from_top.or_else(|| cuts.iter().rev().map(|&cut| part(cut)).find(|(above, _)| body(above)))
}

const MAX_CELLS_FOR_CUTS: usize = 1500;
const MAX_CUTS: usize = 80;

/// Line by line from the top; the cells of a line each as a line, in reading direction. A
/// cell indented from the region's margin by a hanging indent is marked as a list item.
fn read_lines(cells: &[Cell], out: &mut Vec<(String, f32)>) {
    let mut cells: Vec<&Cell> = cells.iter().collect();
    cells.sort_by(|a, b| b.top.total_cmp(&a.top).then(a.x0.total_cmp(&b.x0)));
    let margin = margin_of(&cells);
    let body = body_size(&cells);
    // A heading in a gutter set a little lower than the first line of its section beside it
    // (its box is padded, or its text larger) still comes first.
    for h in 1..cells.len() {
        let cell = cells[h];
        let beside_and_higher = |other: &Cell| other.x0 > cell.x1 && other.top - cell.top < body * 0.8;
        // The place first, the words (a look-up among every heading name) only then.
        if !beside_and_higher(cells[h - 1]) || heading(&cell.text).is_none() {
            continue;
        }
        let mut at = h;
        while at > 0 && beside_and_higher(cells[at - 1]) {
            at -= 1;
        }
        cells[at..=h].rotate_right(1);
    }
    // Labels: words without figures that start a line and have its value after a gap.
    let labels = {
        let by_y = by_baseline(&cells);
        let starts_row = |c: &&Cell| {
            let row = near_baseline(&by_y, c.y, c.size * 0.3);
            is_label_text(&c.text)
                && (c.x0 - margin).abs() < 200.0
                && row.iter().any(|w| w.x0 > c.x1 + c.size)
                && !row.iter().any(|w| w.x1 <= c.x0)
        };
        let (narrow, wide): (Vec<&Cell>, Vec<&Cell>) = cells.iter().copied().partition(starts_row);
        label_column(&narrow, &wide)
    };
    let mut i = 0;
    while i < cells.len() {
        let mut j = i + 1;
        while j < cells.len() && (cells[j].y - cells[i].y).abs() < cells[i].size.max(cells[j].size) * 0.5 {
            j += 1;
        }
        let mut line: Vec<&Cell> = cells[i..j].to_vec();
        let rtl = is_rtl(&line.iter().map(|c| c.text.as_str()).collect::<String>());
        line.sort_by(|a, b| if rtl { b.x1.total_cmp(&a.x1) } else { a.x0.total_cmp(&b.x0) });
        // A label in a column of labels reads with its value: "Dates: 03/2021 – present".
        if let (Some(edge), [label, value, ..]) = (labels, line.as_slice())
            && !rtl
            && is_label_text(&label.text)
            && heading(&label.text).is_none()
            && (label.x1 - edge).abs() < 2.0
            && value.x0 > edge
        {
            out.push((format!("{}: {}", label.text.trim_end_matches(':'), value.text), label.y));
            out.extend(line[2..].iter().map(|c| (c.text.clone(), c.y)));
            i = j;
            continue;
        }
        for (k, cell) in line.iter().enumerate() {
            let indent = cell.x0 - margin;
            // Headings are larger, or in capitals: never list items.
            let hanging = k == 0
                && !rtl
                && (4.0..=40.0).contains(&indent)
                && cell.size <= body * 1.15
                && starts_like_an_item(&cell.text)
                && !is_capitals(&cell.text);
            let text = if hanging && !starts_with_bullet(&cell.text) {
                format!("• {}", cell.text)
            } else {
                cell.text.clone()
            };
            out.push((text, cell.y));
        }
        i = j;
    }
}

/// The size most of a region's text is set in.
fn body_size(cells: &[&Cell]) -> f32 {
    let mut counts: Vec<(f32, usize)> = Vec::new();
    for cell in cells {
        let weight = cell.text.chars().count();
        match counts.iter_mut().find(|(size, _)| (size - cell.size).abs() < 0.5) {
            Some((_, n)) => *n += weight,
            None => counts.push((cell.size, weight)),
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map_or(10.0, |(size, _)| size)
}

fn is_capitals(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 3 && letters.iter().all(|c| !c.is_lowercase())
}

/// The left edge most lines of a region start at.
fn margin_of(cells: &[&Cell]) -> f32 {
    let mut counts: Vec<(f32, usize)> = Vec::new();
    for cell in cells {
        match counts.iter_mut().find(|(x, _)| (x - cell.x0).abs() < 2.0) {
            Some((_, n)) => *n += 1,
            None => counts.push((cell.x0, 1)),
        }
    }
    counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.total_cmp(&a.0))).map_or(0.0, |(x, _)| x)
}

/// A list item starts with a capital or a digit; a wrapped line's rest starts in lower case.
fn starts_like_an_item(text: &str) -> bool {
    text.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

fn starts_with_bullet(text: &str) -> bool {
    text.starts_with(['•', '·', '▪', '◦', '●', '○', '■', '►', '➢', '✓', '*', '-', '–', '—'])
}

/// Drops page numbers ("3", "Page 3 of 4", "3/4") near the top or bottom of the page.
fn drop_page_furniture(lines: Vec<(String, f32)>, height: f32) -> Vec<String> {
    lines
        .into_iter()
        .filter(|(text, y)| {
            let at_edge = *y < height * 0.08 || *y > height * 0.92;
            // A copyright line at a page's foot is the template's, not the person's.
            !(at_edge && (is_page_number(text) || text.trim_start().starts_with('©')))
        })
        .map(|(text, _)| text)
        .collect()
}

fn is_page_number(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    let labelled = ["page", "seite", "página", "pagina"].iter().find_map(|word| t.strip_prefix(word));
    // "Page 2 - Curriculum vitæ of": a page label with a running title after it.
    let t = match labelled.map(|rest| rest.split_once(" - ").map_or(rest, |(number, _)| number)) {
        Some(number) => number.trim(),
        None => t.as_str(),
    };
    let parts: Vec<&str> = t
        .split(|c: char| c == '/' || c.is_whitespace())
        .filter(|p| !p.is_empty() && *p != "of" && *p != "von" && *p != "de" && *p != "sur")
        .collect();
    // Up to three digits: "2015" at the foot of a page is the year an entry starts, carried over.
    !parts.is_empty() && parts.len() <= 2 && parts.iter().all(|p| p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, x: f32, y: f32, size: f32) -> Run {
        // About half an em per character.
        Run { text: text.into(), x, y, width: text.chars().count() as f32 * size * 0.5, height: size, size }
    }

    #[test]
    fn a_heading_in_a_left_gutter_is_a_line_of_its_own() {
        let runs = vec![
            run("Work", 50.0, 700.0, 14.0),
            run("Senior Engineer", 150.0, 700.0, 12.0),
            run("Acme Corp", 150.0, 684.0, 10.0),
            run("Mar 2020", 150.0, 670.0, 10.0),
            run(" – Present", 190.0, 670.0, 10.0),
            run("Education", 50.0, 600.0, 14.0),
            run("BSc Physics", 150.0, 600.0, 12.0),
        ];
        assert_eq!(
            page_lines(&runs, 792.0),
            ["Work", "Senior Engineer", "Acme Corp", "Mar 2020 – Present", "Education", "BSc Physics"]
        );
    }

    #[test]
    fn a_gutter_of_headings_and_dates_close_together_is_still_read_beside_its_text() {
        // Headings one under the other and dates under them: not sparse, but every heading of
        // the page is in the gutter, so it is no sidebar.
        let runs = vec![
            run("Professional Skills", 60.0, 574.0, 12.7),
            run("Languages: Go, Python, SQL", 217.0, 575.0, 9.0),
            run("Summary", 60.0, 559.0, 12.7),
            run("Infrastructure: Kubernetes, Terraform, PostgreSQL", 217.0, 559.5, 9.0),
            run("Work Experience", 60.0, 522.0, 12.7),
            run("Senior Backend Engineer at Northwind Freight", 217.0, 521.0, 9.0),
            run("2 0 2 1-0 3 ", 60.0, 504.0, 7.6),
            run("to Present", 104.0, 504.0, 7.6),
            run("Owns the shipment tracking platform and its event pipeline.", 217.0, 507.8, 9.0),
            run("Education", 60.0, 337.0, 12.7),
            run("University of Texas at Austin, Bachelor of Science", 217.0, 339.8, 9.0),
        ];
        assert_eq!(
            page_lines(&runs, 792.0),
            [
                "Professional Skills",
                "Languages: Go, Python, SQL",
                "Summary",
                "Infrastructure: Kubernetes, Terraform, PostgreSQL",
                "Work Experience",
                "Senior Backend Engineer at Northwind Freight",
                "2021-03 to Present",
                "Owns the shipment tracking platform and its event pipeline.",
                "Education",
                "University of Texas at Austin, Bachelor of Science",
            ]
        );
    }

    #[test]
    fn letter_spaced_figures_are_one_number_again() {
        assert_eq!(unspace_digits(String::from("2 0 2 1-0 3 ")), "2021-03 ");
        assert_eq!(unspace_digits(String::from(" 2 0 11-0 8")), " 2011-08");
        assert_eq!(unspace_digits(String::from("+1 512 555 0187")), "+1 512 555 0187");
        assert_eq!(unspace_digits(String::from("2019 - 2021")), "2019 - 2021");
        assert_eq!(unspace_digits(String::from("Team of 4 in 3 cities")), "Team of 4 in 3 cities");
    }

    #[test]
    fn a_sidebar_is_read_whole_before_the_main_column() {
        let mut runs = Vec::new();
        for (i, text) in
            ["Skills", "Rust and Go", "Kubernetes", "Languages", "English, native", "German, fluent"].iter().enumerate()
        {
            runs.push(run(text, 30.0, 700.0 - 30.0 * i as f32, 10.0));
        }
        for (i, text) in [
            "Experience",
            "Engineer at Acme building things",
            "Led the platform team for years",
            "Education",
            "MSc at the University of Somewhere",
        ]
        .iter()
        .enumerate()
        {
            runs.push(run(text, 220.0, 705.0 - 26.0 * i as f32, 10.0));
        }
        let lines = page_lines(&runs, 792.0);
        assert_eq!(
            lines[..6],
            ["Skills", "Rust and Go", "Kubernetes", "Languages", "English, native", "German, fluent"]
        );
        assert_eq!(lines[6], "Experience");
    }

    #[test]
    fn dates_aligned_right_and_hanging_indents() {
        let runs = vec![
            run("Senior Engineer, Acme", 50.0, 700.0, 10.0),
            run("2019 – 2021", 480.0, 700.0, 10.0),
            run("Built the billing system", 62.0, 686.0, 10.0),
            run("and more", 62.0, 674.0, 10.0),
            run("Engineer, Beta", 50.0, 650.0, 10.0),
            run("2017 – 2019", 480.0, 650.0, 10.0),
        ];
        assert_eq!(
            page_lines(&runs, 792.0),
            [
                "Senior Engineer, Acme",
                "2019 – 2021",
                "• Built the billing system",
                "and more",
                "Engineer, Beta",
                "2017 – 2019"
            ]
        );
    }

    #[test]
    fn icons_page_numbers_and_letter_spacing() {
        let runs = vec![
            run("\u{e601}", 30.0, 700.0, 10.0),
            run("dana@example.com", 45.0, 700.0, 10.0),
            // Fake bold: the same text again a fraction of a point off.
            run("dana@example.com", 45.3, 700.2, 10.0),
            run("S U M M A R Y", 30.0, 660.0, 12.0),
            run("Page 1 of 2", 280.0, 20.0, 8.0),
            run("Página 2 - Curriculum vitæ de", 100.0, 32.0, 8.0),
        ];
        assert_eq!(page_lines(&runs, 792.0), ["dana@example.com", "SUMMARY"]);
    }

    #[test]
    fn right_to_left_text_stored_in_visual_order_is_put_in_reading_order() {
        assert_eq!(logical_order("ןהכ העונ"), "נועה כהן");
        assert_eq!(logical_order("םינש שש 2014-2018"), "2014-2018 שש שנים");
        assert_eq!(logical_order("נועה כהן"), "נועה כהן", "already in reading order");
        assert_eq!(logical_order("Dana Levi"), "Dana Levi");
    }

    #[test]
    fn right_to_left_glyphs_are_read_from_where_they_are_drawn() {
        // Each letter where it is drawn: "נועה כהן" right-aligned, then an English line with a
        // Hebrew place name, then Hebrew with a year, as a PDF writer might list them.
        let mut glyphs = Vec::new();
        let mut draw = |text: &str, x: f32, y: f32| {
            for (i, c) in text.chars().enumerate() {
                glyphs.push(Glyph { c, x: x + 6.0 * i as f32, y, width: 6.0, height: 10.0, size: 10.0 });
            }
        };
        draw("ןהכ העונ", 300.0, 700.0);
        draw("Office: ביבא לת, IL", 50.0, 680.0);
        draw("2014 זאמ םינש שש", 50.0, 660.0);
        draw("(דבוע)", 50.0, 640.0);
        let texts: Vec<String> = runs_from_glyphs(glyphs).into_iter().map(|r| r.text).collect();
        assert_eq!(texts, ["נועה כהן", "Office: תל אביב, IL", "שש שנים מאז 2014", "(עובד)"]);
    }

    #[test]
    fn glyphs_far_apart_are_separate_runs_and_a_gap_is_a_space() {
        let glyph = |c, x| Glyph { c, x, y: 700.0, width: 5.0, height: 10.0, size: 10.0 };
        let glyphs = vec![glyph('a', 50.0), glyph('b', 55.0), glyph('c', 62.0), glyph('d', 400.0)];
        let runs = runs_from_glyphs(glyphs);
        assert_eq!(runs.iter().map(|r| r.text.as_str()).collect::<Vec<_>>(), ["ab c", "d"]);
        assert_eq!((runs[0].x, runs[0].width), (50.0, 17.0));
        let nan = Glyph { c: 'x', x: f32::NAN, y: 1.0, width: 1.0, height: 1.0, size: 1.0 };
        assert!(runs_from_glyphs(vec![nan]).is_empty());
    }

    #[test]
    fn tags_set_apart_by_twice_a_space_are_items_and_words_a_space_apart_are_not() {
        // Chips: each tag its own run, 6 points apart at 10 points (a space is about 2.5).
        let mut runs = Vec::new();
        for (tag, x) in [("Go", 56.0), ("Python", 72.0), ("SQL", 108.0)] {
            runs.push(run(tag, x, 540.0, 10.0));
        }
        runs.push(run("Mar 2021 –", 56.0, 520.0, 10.0));
        runs.push(run("Senior Engineer", 111.0, 520.0, 10.0));
        runs.push(run("English", 56.0, 500.0, 10.0));
        runs.push(run("(Native)", 93.5, 500.0, 10.0));
        // A date is no tag, nor is a sentence: they keep a space.
        assert_eq!(page_lines(&runs, 792.0), ["Go · Python · SQL", "Mar 2021 – Senior Engineer", "English (Native)"]);
    }

    #[test]
    fn a_gutter_heading_a_little_lower_than_its_first_line_still_comes_first() {
        let runs = vec![
            run("Summary", 50.0, 700.0, 12.0),
            run("Backend engineer with ten years of experience", 150.0, 700.0, 9.0),
            run("Languages", 50.0, 655.2, 12.0),
            run("English (Native)", 150.0, 664.2, 9.0),
            run("Tamil (Fluent)", 150.0, 647.8, 9.0),
        ];
        assert_eq!(
            page_lines(&runs, 792.0),
            [
                "Summary",
                "Backend engineer with ten years of experience",
                "Languages",
                "English (Native)",
                "Tamil (Fluent)"
            ]
        );
    }

    #[test]
    fn a_copyright_line_at_a_page_s_foot_is_the_template_s() {
        let runs = vec![
            run("Werkzeuge: Gradle, Docker", 50.0, 400.0, 10.0),
            run("© Europäische Union, 2002 – 2026", 50.0, 30.0, 8.0),
            run("© 2024 Acme, Ltd: rights", 50.0, 380.0, 10.0),
        ];
        assert_eq!(page_lines(&runs, 842.0), ["Werkzeuge: Gradle, Docker", "© 2024 Acme, Ltd: rights"]);
    }

    #[test]
    fn a_heading_run_into_the_last_line_of_a_paragraph_is_a_line_of_its_own() {
        let runs = vec![
            run("load.", 56.0, 680.0, 10.0),
            Run { text: "Experience".into(), x: 82.0, y: 680.0, width: 65.0, height: 14.0, size: 14.0 },
            run("Engineer", 56.0, 660.0, 10.0),
        ];
        assert_eq!(page_lines(&runs, 792.0), ["load.", "Experience", "Engineer"]);
    }

    #[test]
    fn a_label_column_beside_its_text_reads_as_label_and_text() {
        // Labels set right against a column 6 points before their text, as moderncv does.
        let runs = vec![
            run("Languages", 77.0, 700.0, 10.0),
            run("Go, Python, SQL", 128.0, 700.0, 10.0),
            run("Tools", 97.0, 686.0, 10.0),
            run("Git, Docker", 128.0, 686.0, 10.0),
            run("English", 87.0, 672.0, 10.0),
            run("Native", 128.0, 672.0, 10.0),
            // A sentence's words a space apart are no label and its text.
            run("Built", 50.0, 650.0, 10.0),
            run("the whole billing system", 78.0, 650.0, 10.0),
        ];
        let texts: Vec<String> = cells(&runs).into_iter().map(|c| c.text).collect();
        assert_eq!(
            texts,
            ["Languages: Go, Python, SQL", "Tools: Git, Docker", "English: Native", "Built the whole billing system"]
        );
    }

    #[test]
    fn a_form_s_labels_set_flush_right_a_column_away_read_with_their_values() {
        // Europass: the labels end at x = 190, their values start at 215, a column apart.
        let label = |text: &str, y: f32| {
            let width = text.chars().count() as f32 * 5.0;
            Run { text: text.into(), x: 190.0 - width, y, width, height: 10.0, size: 10.0 }
        };
        let mut runs = vec![
            label("Work experience", 720.0),
            label("Dates", 700.0),
            run("03/2021 – present", 215.0, 700.0, 10.0),
            label("Occupation or position held", 686.0),
            run("Senior Backend Engineer", 215.0, 686.0, 10.0),
            label("Name of employer", 672.0),
            run("Northwind Freight", 215.0, 672.0, 10.0),
            label("Dates", 650.0),
            run("06/2017 – 02/2021", 215.0, 650.0, 10.0),
            label("Occupation or position held", 636.0),
            run("Software Engineer", 215.0, 636.0, 10.0),
            run("Designed the idempotent refunds API used by 3,000 merchants", 215.0, 622.0, 10.0),
            label("Name of employer", 608.0),
            run("Bluebird Payments", 215.0, 608.0, 10.0),
        ];
        let read = |runs: &[Run]| page_lines(runs, 842.0);
        assert_eq!(
            read(&runs),
            [
                "Work experience",
                "Dates: 03/2021 – present",
                "Occupation or position held: Senior Backend Engineer",
                "Name of employer: Northwind Freight",
                "Dates: 06/2017 – 02/2021",
                "Occupation or position held: Software Engineer",
                "Designed the idempotent refunds API used by 3,000 merchants",
                "Name of employer: Bluebird Payments",
            ]
        );
        // A sidebar is set flush left, its lines on baselines of their own: read as a column.
        runs = vec![
            run("Skills", 40.0, 700.0, 10.0),
            run("Go, Python", 40.0, 684.0, 10.0),
            run("Kubernetes", 40.0, 668.0, 10.0),
            run("Languages", 40.0, 652.0, 10.0),
            run("English", 40.0, 636.0, 10.0),
            run("Experience", 215.0, 700.0, 10.0),
            run("Senior Engineer, Acme", 215.0, 690.0, 10.0),
            run("Built the billing system from scratch for three markets", 215.0, 676.0, 10.0),
            run("Led the move to Kubernetes across all the teams", 215.0, 662.0, 10.0),
            run("Cut the cloud bill by a third in one year", 215.0, 648.0, 10.0),
        ];
        assert_eq!(read(&runs)[..5], ["Skills", "Go, Python", "Kubernetes", "Languages", "English"]);
    }

    #[test]
    fn glyphs_without_characters_are_brackets_in_pairs_and_spaces_alone() {
        assert_eq!(tidy("עברית \u{FFFD}שפת אם\u{FFFD}"), "עברית (שפת אם)");
        assert_eq!(
            tidy("עברית \u{FFFD}שפת אם\u{FFFD} , אנגלית \u{FFFD}שוטפת\u{FFFD}"),
            "עברית (שפת אם) , אנגלית (שוטפת)"
        );
        assert_eq!(tidy("מדעי המחשב, תואר ראשון,\u{FFFD}הטכניון"), "מדעי המחשב, תואר ראשון, הטכניון");
        assert_eq!(tidy("plain text"), "plain text");
    }

    #[test]
    fn right_to_left_columns_are_read_from_the_right() {
        let mut runs = Vec::new();
        for i in 0..6 {
            let y = 700.0 - 14.0 * i as f32;
            runs.push(run(&format!("שפת אם {i}"), 50.0, y, 10.0));
            runs.push(run(&format!("עברית {i}"), 400.0, y, 10.0));
        }
        let lines = page_lines(&runs, 792.0);
        assert_eq!(lines[0], "עברית 0", "{lines:?}");
        assert_eq!(lines[6], "שפת אם 0", "{lines:?}");
    }

    #[test]
    fn right_to_left_lines_read_from_the_right() {
        let runs = vec![run("מהנדסת", 400.0, 700.0, 10.0), run("2019", 50.0, 700.0, 10.0)];
        assert_eq!(page_lines(&runs, 792.0), ["מהנדסת", "2019"]);
    }

    #[test]
    fn degenerate_pages_read_without_failing() {
        assert!(page_lines(&[], 792.0).is_empty());
        let nan = Run { text: "x".into(), x: f32::NAN, y: f32::NAN, width: f32::NAN, height: 1.0, size: 1.0 };
        assert!(page_lines(&[nan], 792.0).is_empty(), "runs without a place are skipped");
        // A grid of 3,000 one-letter runs (a hostile page): every row comes back, in order.
        let grid: Vec<Run> =
            (0..3000).map(|i| run("W", 20.0 + (i % 50) as f32 * 11.0, 780.0 - (i / 50) as f32 * 12.0, 10.0)).collect();
        let lines = page_lines(&grid, 792.0);
        assert_eq!(lines.len(), 60, "one line per row");
        assert!(lines.iter().all(|l| l.matches('W').count() == 50), "{:?}", lines.first());
    }

    #[test]
    fn running_headers_repeated_on_every_page_are_dropped() {
        let page = |body: &str| (vec![run("Dana Levi — CV", 50.0, 760.0, 8.0), run(body, 50.0, 600.0, 10.0)], 792.0);
        let text = document_lines(&[page("First page text"), page("Second page text")]);
        assert_eq!(text.matches("Dana Levi — CV").count(), 1, "kept where it first appears: {text}");
        assert!(text.contains("First page text") && text.contains("Second page text"));
    }
}
