//! The application document as an A4 PDF: laid out here (line breaking, tables split across pages, a footer
//! with the page number and the digest on every page), drawn with `krilla`, which embeds the font as a subset
//! of the glyphs the document uses. The QR code is vector (one filled path).
//!
//! The font is Noto Sans CJK SC Regular (SIL Open Font License 1.1; Debian package `fonts-noto-cjk`), cut by
//! `scripts/subset-font` to ASCII/Latin-1, punctuation, full-width forms, the 6,763 汉字 of GB 2312 and every
//! character the repository's catalogues and rules use (1.5 MB, 1.3 MB deflated). It is compiled into the
//! function that serves the document (declare); a character outside it prints as the font's empty box — the
//! HTML document shows every character.

use krilla::Document as Pdf;
use krilla::color::{luma, rgb};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, GlyphId, KrillaGlyph};

use super::model::{Block, Document};
use crate::error::{AppError, AppResult};

/// The embedded font (see the module docs and `shared/assets/fonts/README.md`).
pub static FONT: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-Subset.otf");

const PAGE_W: f32 = 595.276;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 50.0;
const TOP: f32 = 50.0;
/// Lowest y of content; the footer sits below.
const BOTTOM: f32 = PAGE_H - 62.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

const BODY: f32 = 10.5;
const SMALL: f32 = 8.0;
const HASH: f32 = 7.0;
const PAD: f32 = 4.0;
const RULE: f32 = 0.6;
const SHADE: u8 = 238;

fn line_height(size: f32) -> f32 {
    size * 1.45
}

/// One drawing operation; y grows downwards from the top of the page.
#[derive(Debug)]
enum Op {
    /// Text whose top of line box is at `top` (the baseline is computed from the font size).
    Text {
        x: f32,
        top: f32,
        size: f32,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    Shade {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    Qr {
        x: f32,
        y: f32,
        size: f32,
        n: usize,
        dark: Vec<bool>,
    },
}

struct Metrics<'a> {
    face: ttf_parser::Face<'a>,
    upem: f32,
}

impl<'a> Metrics<'a> {
    fn new(data: &'a [u8]) -> AppResult<Self> {
        let face = ttf_parser::Face::parse(data, 0)
            .map_err(|e| AppError::internal(format!("字体无法读取：{e}")))?;
        let upem = f32::from(face.units_per_em());
        Ok(Metrics { face, upem })
    }

    /// Glyph id and advance (in em) of a character.
    fn glyph(&self, c: char) -> (u16, f32) {
        let gid = self.face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
        let adv = self.face.glyph_hor_advance(gid).unwrap_or(0);
        (gid.0, f32::from(adv) / self.upem)
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.glyph(c).1 * size).sum()
    }

    /// Break `text` into lines no wider than `max`: anywhere between CJK characters, at spaces within Latin text,
    /// inside a Latin run only when it is longer than a line; closing punctuation never starts a line.
    fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            let mut width = 0.0;
            // Byte offset in `line` after which a break is allowed.
            let mut last_break: Option<usize> = None;
            for c in para.chars() {
                let c = if c.is_control() { ' ' } else { c };
                let cw = self.glyph(c).1 * size;
                if width + cw > max && !line.is_empty() && !closing(c) {
                    match last_break.filter(|b| *b > 0 && *b < line.len() && c.is_ascii_graphic()) {
                        Some(at) => {
                            let rest = line.split_off(at);
                            lines.push(line.trim_end().to_owned());
                            line = rest.trim_start().to_owned();
                        }
                        None => {
                            // An opening bracket or quote never ends a line: it moves down with what it opens.
                            let carried = line.chars().last().filter(|last| opening(*last));
                            if carried.is_some() {
                                line.pop();
                            }
                            lines.push(std::mem::take(&mut line).trim_end().to_owned());
                            line.extend(carried);
                        }
                    }
                    width = self.width(&line, size);
                    last_break = None;
                    if line.is_empty() && c == ' ' {
                        continue;
                    }
                }
                line.push(c);
                width += cw;
                if c == ' ' || !c.is_ascii() {
                    last_break = Some(line.len());
                }
            }
            lines.push(line);
        }
        lines
    }
}

fn opening(c: char) -> bool {
    "（《「『“‘([".contains(c)
}

fn closing(c: char) -> bool {
    "，。、；：？！）》」』”’%…,.;:!?)]".contains(c)
}

struct Layout<'a> {
    m: Metrics<'a>,
    pages: Vec<Vec<Op>>,
    y: f32,
}

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
    Center,
}

/// A table column.
struct Col {
    width: f32,
    align: Align,
    size: f32,
    shaded: bool,
}

impl<'a> Layout<'a> {
    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    fn room(&self) -> f32 {
        BOTTOM - self.y
    }

    /// Start a new page unless `h` more points fit on this one.
    fn need(&mut self, h: f32) {
        if h > self.room() {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, top: f32, size: f32, text: &str) {
        if !text.is_empty() {
            self.ops().push(Op::Text {
                x,
                top,
                size,
                text: text.to_owned(),
            });
        }
    }

    fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.ops().push(Op::Line {
            x1,
            y1,
            x2,
            y2,
            width: RULE,
        });
    }

    fn centered(&mut self, text: &str, size: f32) {
        let w = self.m.width(text, size);
        let lh = line_height(size);
        self.need(lh);
        let y = self.y;
        self.text((PAGE_W - w) / 2.0, y, size, text);
        self.y += lh;
    }

    fn paragraph(&mut self, text: &str, size: f32) {
        let lh = line_height(size);
        for line in self.m.wrap(text, size, CONTENT_W) {
            self.need(lh);
            let y = self.y;
            self.text(MARGIN_X, y, size, &line);
            self.y += lh;
        }
    }

    fn heading(&mut self, title: &str) {
        let size = 12.5;
        let lh = line_height(size);
        // Keep the heading with at least two lines of what follows.
        self.need(lh + 8.0 + 2.0 * line_height(BODY) + 2.0 * PAD);
        self.y += 6.0;
        let y = self.y;
        self.ops().push(Op::Shade {
            x: MARGIN_X,
            y: y + 2.0,
            w: 3.0,
            h: lh - 4.0,
        });
        self.text(MARGIN_X + 7.0, y, size, title);
        self.y += lh + 2.0;
    }

    /// One table row; split across pages when it does not fit. `head` is repeated at the top of a new page.
    fn row(&mut self, cols: &[Col], cells: &[String], head: Option<(&[Col], &[String])>) {
        let mut lines: Vec<Vec<String>> = cols
            .iter()
            .zip(cells)
            .map(|(c, text)| self.m.wrap(text, c.size, c.width - 2.0 * PAD))
            .collect();
        loop {
            let heights: Vec<f32> = cols
                .iter()
                .zip(&lines)
                .map(|(c, l)| l.len().max(1) as f32 * line_height(c.size))
                .collect();
            let full = heights.iter().cloned().fold(0.0, f32::max) + 2.0 * PAD;
            let min_piece = 2.0 * line_height(BODY) + 2.0 * PAD;
            if full > self.room() && (self.room() < min_piece || full <= BOTTOM - TOP) {
                self.new_page();
                if let Some((hc, hcells)) = head {
                    self.row(hc, hcells, None);
                }
                continue;
            }
            let h = full.min(self.room());
            let mut rest: Vec<Vec<String>> = Vec::new();
            let top = self.y;
            let mut x = MARGIN_X;
            for (c, l) in cols.iter().zip(&mut lines) {
                let lh = line_height(c.size);
                let fit = (((h - 2.0 * PAD) / lh).floor() as usize).max(1);
                let tail = if l.len() > fit {
                    l.split_off(fit)
                } else {
                    Vec::new()
                };
                rest.push(tail);
                if c.shaded {
                    self.ops().push(Op::Shade {
                        x,
                        y: top,
                        w: c.width,
                        h,
                    });
                }
                for (i, line) in l.iter().enumerate() {
                    let lx = match c.align {
                        Align::Left => x + PAD,
                        Align::Right => x + c.width - PAD - self.m.width(line, c.size),
                        Align::Center => x + (c.width - self.m.width(line, c.size)) / 2.0,
                    };
                    self.text(lx, top + PAD + i as f32 * lh, c.size, line);
                }
                x += c.width;
            }
            // Borders: the box and the column separators.
            let right = MARGIN_X + cols.iter().map(|c| c.width).sum::<f32>();
            self.rule(MARGIN_X, top, right, top);
            self.rule(MARGIN_X, top + h, right, top + h);
            let mut x = MARGIN_X;
            self.rule(x, top, x, top + h);
            for c in cols {
                x += c.width;
                self.rule(x, top, x, top + h);
            }
            self.y = top + h;
            if rest.iter().all(Vec::is_empty) {
                return;
            }
            lines = rest;
            self.new_page();
            if let Some((hc, hcells)) = head {
                self.row(hc, hcells, None);
            }
        }
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Fields(rows) => {
                let cols = [
                    Col {
                        width: CONTENT_W * 0.34,
                        align: Align::Left,
                        size: BODY,
                        shaded: true,
                    },
                    Col {
                        width: CONTENT_W * 0.66,
                        align: Align::Left,
                        size: BODY,
                        shaded: false,
                    },
                ];
                for r in rows {
                    self.row(&cols, &[r.label.clone(), r.value.clone()], None);
                }
            }
            Block::Grid {
                head, widths, rows, ..
            } => {
                let total: f32 = widths.iter().sum();
                let cols: Vec<Col> = head
                    .iter()
                    .zip(widths)
                    .enumerate()
                    .map(|(i, (h, w))| {
                        let numeric = i > 0
                            && rows.iter().all(|r| {
                                r.get(i).is_some_and(|c| {
                                    c.chars().all(|ch| ch.is_ascii_digit() || ".-".contains(ch))
                                })
                            });
                        Col {
                            width: CONTENT_W * w / total,
                            align: if numeric { Align::Right } else { Align::Left },
                            size: if h == "SHA-256" { HASH } else { BODY },
                            shaded: i == 0 && head[0] == "指标",
                        }
                    })
                    .collect();
                let head_cols: Vec<Col> = cols
                    .iter()
                    .map(|c| Col {
                        width: c.width,
                        align: Align::Center,
                        size: BODY,
                        shaded: true,
                    })
                    .collect();
                self.row(&head_cols, head, None);
                for r in rows {
                    self.row(&cols, r, Some((&head_cols, head)));
                }
            }
            Block::Note(text) => self.paragraph(text, BODY),
        }
    }

    /// 法定代表人签字 / 企业盖章 / 日期, with room for a 42 mm seal.
    fn signatures(&mut self, commitment: &str) {
        let box_h = 130.0;
        self.need(line_height(BODY) * 2.0 + box_h + 16.0);
        self.y += 12.0;
        self.paragraph(commitment, BODY);
        self.y += 6.0;
        let top = self.y;
        let w = CONTENT_W / 3.0;
        for (i, label) in ["法定代表人签字：", "企业盖章：", "日期："]
            .iter()
            .enumerate()
        {
            let x = MARGIN_X + i as f32 * w;
            self.text(x, top, BODY, label);
            self.rule(x, top + box_h, x + w - 14.0, top + box_h);
        }
        let date = "年　　月　　日";
        let dw = self.m.width(date, BODY);
        self.text(
            MARGIN_X + 3.0 * w - 14.0 - dw,
            top + box_h - line_height(BODY) - 2.0,
            BODY,
            date,
        );
        self.y = top + box_h + 10.0;
    }

    /// The QR code and the proof lines beside it.
    fn proof(&mut self, doc: &Document) {
        let qr = 110.0;
        let text_x = MARGIN_X + qr + 12.0;
        let text_w = CONTENT_W - qr - 12.0;
        let mut lines: Vec<(f32, String)> = Vec::new();
        let intro = "本申请书由平台根据提交时冻结的申报内容生成。扫描左侧二维码或访问下列核验地址，可核验本申请书与平台记录是否一致。";
        for l in self.m.wrap(intro, SMALL, text_w) {
            lines.push((SMALL, l));
        }
        for (label, value) in [
            ("快照校验值（SHA-256）：", doc.digest.as_str()),
            ("核验地址：", doc.verify_url.as_str()),
            ("平台签名（Ed25519，Base64）：", doc.signature.as_str()),
        ] {
            lines.push((SMALL, label.to_owned()));
            for l in self.m.wrap(value, HASH, text_w) {
                lines.push((HASH, l));
            }
        }
        let text_h: f32 = lines.iter().map(|(s, _)| line_height(*s)).sum();
        let h = text_h.max(qr) + 8.0;
        self.need(h + 4.0);
        let top = self.y + 4.0;
        self.rule(MARGIN_X, top - 2.0, MARGIN_X + CONTENT_W, top - 2.0);
        if let Ok(code) =
            qrcode::QrCode::with_error_correction_level(&doc.verify_url, qrcode::EcLevel::M)
        {
            let n = code.width();
            let dark = code
                .to_colors()
                .iter()
                .map(|c| *c == qrcode::Color::Dark)
                .collect();
            self.ops().push(Op::Qr {
                x: MARGIN_X,
                y: top + 4.0,
                size: qr,
                n,
                dark,
            });
        }
        let mut y = top + 4.0;
        for (size, l) in lines {
            self.text(text_x, y, size, &l);
            y += line_height(size);
        }
        self.y = top + h;
    }
}

/// The PDF of the document.
pub fn render(doc: &Document) -> AppResult<Vec<u8>> {
    let font_data: &'static [u8] = FONT;
    let m = Metrics::new(font_data)?;
    let mut l = Layout {
        m,
        pages: Vec::new(),
        y: TOP,
    };
    l.new_page();
    l.y += 6.0;
    l.centered(&doc.title, 20.0);
    l.y += 4.0;
    for r in &doc.meta {
        l.centered(&format!("{}：{}", r.label, r.value), BODY);
    }
    for s in &doc.sections {
        l.heading(&s.title);
        for b in &s.blocks {
            l.block(b);
        }
    }
    l.signatures(&doc.commitment);
    l.proof(doc);

    let font = Font::new(font_data.into(), 0)
        .ok_or_else(|| AppError::internal("字体无法嵌入".to_owned()))?;
    let mut pdf = Pdf::new();
    pdf.set_metadata(
        Metadata::new()
            .title(format!("{} — {}", doc.title, doc.enterprise_name))
            .language("zh-CN".into())
            .creator("优质中小企业梯度培育平台".into()),
    );
    let total = l.pages.len();
    let footer_size = 7.0;
    for (index, ops) in l.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| AppError::internal("页面尺寸无效".to_owned()))?;
        let mut page = pdf.start_page_with(settings);
        let mut surface = page.surface();
        let draw_text =
            |surface: &mut krilla::surface::Surface, x: f32, top: f32, size: f32, text: &str| {
                let mut glyphs = Vec::with_capacity(text.len());
                for (at, c) in text.char_indices() {
                    let (gid, adv) = l.m.glyph(c);
                    glyphs.push(KrillaGlyph::new(
                        GlyphId::new(u32::from(gid)),
                        adv,
                        0.0,
                        0.0,
                        0.0,
                        at..at + c.len_utf8(),
                        None,
                    ));
                }
                // Baseline: the em box (ascent 0.88 em in Noto CJK) centred in the line box.
                let baseline = top + (line_height(size) - size) / 2.0 + 0.88 * size;
                surface.set_fill(Some(Fill::default()));
                surface.set_stroke(None);
                surface.draw_glyphs(
                    Point::from_xy(x, baseline),
                    &glyphs,
                    font.clone(),
                    text,
                    size,
                    false,
                );
            };
        for op in ops {
            match op {
                Op::Text { x, top, size, text } => draw_text(&mut surface, *x, *top, *size, text),
                Op::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y1);
                    pb.line_to(*x2, *y2);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: luma::Color::new(60).into(),
                            width: *width,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
                Op::Shade { x, y, w, h } => {
                    let mut pb = PathBuilder::new();
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        pb.push_rect(rect);
                    }
                    if let Some(path) = pb.finish() {
                        surface.set_stroke(None);
                        surface.set_fill(Some(Fill {
                            paint: if *w <= 3.0 {
                                rgb::Color::black().into()
                            } else {
                                luma::Color::new(SHADE).into()
                            },
                            ..Fill::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
                Op::Qr {
                    x,
                    y,
                    size,
                    n,
                    dark,
                } => {
                    let quiet = 3usize;
                    let cell = size / (*n + 2 * quiet) as f32;
                    let mut pb = PathBuilder::new();
                    for (i, on) in dark.iter().enumerate() {
                        if *on {
                            let (cx, cy) = ((i % n + quiet) as f32, (i / n + quiet) as f32);
                            if let Some(rect) =
                                Rect::from_xywh(x + cx * cell, y + cy * cell, cell, cell)
                            {
                                pb.push_rect(rect);
                            }
                        }
                    }
                    if let Some(path) = pb.finish() {
                        surface.set_stroke(None);
                        surface.set_fill(Some(Fill::default()));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        // Footer: which document, which digest, which page.
        let footer = format!("申报编号 {}　校验值 {}", doc.declaration_id, doc.digest);
        let rule_y = PAGE_H - 44.0;
        let mut pb = PathBuilder::new();
        pb.move_to(MARGIN_X, rule_y);
        pb.line_to(PAGE_W - MARGIN_X, rule_y);
        if let Some(path) = pb.finish() {
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke {
                paint: luma::Color::new(120).into(),
                width: 0.4,
                ..Stroke::default()
            }));
            surface.draw_path(&path);
        }
        draw_text(&mut surface, MARGIN_X, rule_y + 3.0, footer_size, &footer);
        let page_no = format!("第 {} 页 / 共 {} 页", index + 1, total);
        let w = l.m.width(&page_no, footer_size);
        draw_text(
            &mut surface,
            PAGE_W - MARGIN_X - w,
            rule_y + 3.0,
            footer_size,
            &page_no,
        );
        surface.finish();
        page.finish();
    }
    pdf.finish()
        .map_err(|e| AppError::internal(format!("PDF 生成失败：{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_between_cjk_characters_and_at_spaces_and_never_before_closing_punctuation() {
        let m = Metrics::new(FONT).unwrap();
        let em = 10.0;
        let lines = m.wrap("一二三四五，六七", em, 50.0);
        assert_eq!(lines, vec!["一二三四五，", "六七"]);
        let lines = m.wrap("hello world again", em, m.width("hello world", em) + 1.0);
        assert_eq!(lines, vec!["hello world", "again"]);
        let hex = "0123456789abcdef".repeat(4);
        let lines = m.wrap(&hex, em, m.width(&hex[..20], em) + 0.1);
        assert_eq!(lines.concat(), hex);
        assert!(lines.len() >= 3);
        assert_eq!(m.wrap("甲\n乙", em, 100.0), vec!["甲", "乙"]);
        assert_eq!(
            m.wrap("一二三四（五）", em, 50.0),
            vec!["一二三四", "（五）"]
        );
    }

    #[test]
    fn the_embedded_font_covers_the_characters_of_the_documents() {
        let m = Metrics::new(FONT).unwrap();
        for c in "专精特新中小企业申请书“小巨人”Ⅰ类知识产权（万元）：；、。法定代表人签字企业盖章日期0123456789abcdefSHA-256".chars() {
            assert_ne!(m.glyph(c).0, 0, "{c} missing from the font");
        }
    }
}
