//! Structure checks of evidence files, beyond the magic bytes of [`crate::rules::file_type`]: what reaches a
//! reviewer must be what it claims to be and safe to open.
//!
//! - PDF: parses (`lopdf`), has a catalog and at least one page, is not encrypted, and carries no JavaScript, launch
//!   actions, embedded files or rich media anywhere in its objects.
//! - JPEG / PNG: decodes completely (`image`, only those two decoders), within [`Limits::max_image_bytes`].
//! - DOCX: a valid OOXML package (`[Content_Types].xml` naming the Word main document type, `word/document.xml`)
//!   without macros (`vbaProject.bin`, macro-enabled content types), ActiveX controls or embedded OLE objects.
//! - DOC (legacy OLE2): no VBA project (`_VBA_PROJECT` stream).
//! - ZIP: listed (`zip`); only allowed evidence types inside (each checked the same way), at most one level of
//!   nested archives, at most [`Limits::max_entries`] entries, [`Limits::max_total_bytes`] uncompressed in all and a
//!   compression ratio of at most [`Limits::max_ratio`] per entry (zip bombs); no encrypted entries, links or
//!   names that climb out of the archive.
//!
//! [`check`] is a pure function over any `Read + Seek` source; the evidence service runs it on the stored object.

use std::io::{Cursor, Read, Seek, SeekFrom};

use crate::rules::file_type::{self, FileKind};

/// Bounds of the checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Entries in one archive (an OOXML package counts too).
    pub max_entries: usize,
    /// Uncompressed bytes of all entries of an archive, nested ones included.
    pub max_total_bytes: u64,
    /// Uncompressed size / compressed size of one entry (checked for entries above 1 MiB uncompressed).
    pub max_ratio: u64,
    /// Nesting: an archive inside the evidence archive is fine, one more level is not.
    pub max_depth: u8,
    /// Memory for one decoded image (width × height × channels).
    pub max_image_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 1000,
            max_total_bytes: 512 * 1024 * 1024,
            max_ratio: 100,
            max_depth: 1,
            max_image_bytes: 256 * 1024 * 1024,
        }
    }
}

/// Why a file is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContentError {
    /// The bytes are not the declared kind (`actual`: what they are, when known) → `FILE_TYPE_NOT_ALLOWED`.
    WrongType {
        declared: FileKind,
        actual: Option<FileKind>,
    },
    /// The declared kind, but broken or unsafe; the Chinese reason → `FILE_CONTENT_INVALID`.
    Invalid(String),
}

fn invalid(reason: impl Into<String>) -> ContentError {
    ContentError::Invalid(reason.into())
}

/// Check that `source` is a sound file of the `declared` kind. Returns the kind the bytes are.
pub fn check<R: Read + Seek>(
    declared: FileKind,
    source: R,
    limits: &Limits,
) -> Result<FileKind, ContentError> {
    let mut budget = limits.max_total_bytes;
    check_at(declared, source, limits, 0, &mut budget)
}

fn check_at<R: Read + Seek>(
    declared: FileKind,
    mut source: R,
    limits: &Limits,
    depth: u8,
    budget: &mut u64,
) -> Result<FileKind, ContentError> {
    let mut head = [0u8; file_type::SNIFF_LEN];
    let n = read_up_to(&mut source, &mut head).map_err(read_failed)?;
    let sniffed = file_type::sniff(&head[..n]);
    if !file_type::content_matches(declared, sniffed) {
        return Err(ContentError::WrongType {
            declared,
            actual: sniffed,
        });
    }
    source.seek(SeekFrom::Start(0)).map_err(read_failed)?;
    match declared {
        FileKind::Pdf => check_pdf(source),
        FileKind::Jpeg => check_image(source, image::ImageFormat::Jpeg, limits),
        FileKind::Png => check_image(source, image::ImageFormat::Png, limits),
        FileKind::Doc => check_doc(source),
        FileKind::Docx => check_docx(source, limits, budget),
        FileKind::Zip => {
            if is_ooxml(&mut source)? {
                return Err(ContentError::WrongType {
                    declared,
                    actual: Some(FileKind::Docx),
                });
            }
            check_zip(source, limits, depth, budget)
        }
    }?;
    Ok(declared)
}

fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

fn read_failed(e: std::io::Error) -> ContentError {
    invalid(format!("文件无法读取（{e}）"))
}

// ---------------------------------------------------------------------------------------------------------------
// PDF
// ---------------------------------------------------------------------------------------------------------------

/// Dictionary keys that carry scripts, launch actions, attachments or embedded media.
const PDF_FORBIDDEN_KEYS: [(&[u8], &str); 7] = [
    (b"JS", "JavaScript 脚本"),
    (b"JavaScript", "JavaScript 脚本"),
    (b"Launch", "启动外部程序的动作"),
    (b"EmbeddedFiles", "嵌入的附件"),
    (b"EF", "嵌入的附件"),
    (b"RichMedia", "嵌入的多媒体"),
    (b"XFA", "XFA 动态表单"),
];

/// Name values of the same things (`/S /JavaScript`, `/Type /EmbeddedFile`, …).
const PDF_FORBIDDEN_NAMES: [(&[u8], &str); 4] = [
    (b"JavaScript", "JavaScript 脚本"),
    (b"Launch", "启动外部程序的动作"),
    (b"EmbeddedFile", "嵌入的附件"),
    (b"RichMedia", "嵌入的多媒体"),
];

fn check_pdf<R: Read>(mut source: R) -> Result<(), ContentError> {
    let mut bytes = Vec::new();
    source.read_to_end(&mut bytes).map_err(read_failed)?;
    let doc = lopdf::Document::load_mem(&bytes)
        .map_err(|_| invalid("PDF 文件结构无法解析，可能已损坏或并非真正的 PDF"))?;
    if doc.is_encrypted() || doc.trailer.get(b"Encrypt").is_ok() {
        return Err(invalid("PDF 文件已加密，请上传未加密的文件"));
    }
    if doc.catalog().is_err() || doc.get_pages().is_empty() {
        return Err(invalid(
            "PDF 文件没有可显示的页面，可能已损坏或并非真正的 PDF",
        ));
    }
    let mut found = None;
    for object in doc
        .objects
        .values()
        .chain(std::iter::once(&lopdf::Object::Dictionary(
            doc.trailer.clone(),
        )))
    {
        if let Some(what) = pdf_forbidden(object, 0) {
            found = Some(what);
            break;
        }
    }
    match found {
        Some(what) => Err(invalid(format!(
            "PDF 文件含有{what}，存在安全风险，请导出为不含脚本和附件的普通 PDF 后重新上传"
        ))),
        None => Ok(()),
    }
}

fn pdf_forbidden(object: &lopdf::Object, depth: usize) -> Option<&'static str> {
    use lopdf::Object;
    if depth > 64 {
        return None;
    }
    let dict = match object {
        Object::Name(name) => {
            return PDF_FORBIDDEN_NAMES
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, what)| *what);
        }
        Object::Array(items) => return items.iter().find_map(|o| pdf_forbidden(o, depth + 1)),
        Object::Dictionary(dict) => dict,
        Object::Stream(stream) => &stream.dict,
        _ => return None,
    };
    for (key, value) in dict.iter() {
        if let Some((_, what)) = PDF_FORBIDDEN_KEYS.iter().find(|(k, _)| k == key) {
            return Some(what);
        }
        if let Some(what) = pdf_forbidden(value, depth + 1) {
            return Some(what);
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------------------------

fn check_image<R: Read + Seek>(
    source: R,
    format: image::ImageFormat,
    limits: &Limits,
) -> Result<(), ContentError> {
    let label = if format == image::ImageFormat::Png {
        "PNG"
    } else {
        "JPEG"
    };
    let mut reader = image::ImageReader::with_format(std::io::BufReader::new(source), format);
    let mut image_limits = image::Limits::default();
    image_limits.max_alloc = Some(limits.max_image_bytes);
    image_limits.max_image_width = Some(30_000);
    image_limits.max_image_height = Some(30_000);
    reader.limits(image_limits);
    match reader.decode() {
        Ok(_) => Ok(()),
        Err(image::ImageError::Limits(_)) => Err(invalid(format!(
            "{label} 图片尺寸过大（解码后超过 {} MB），请缩小后重新上传",
            limits.max_image_bytes / (1024 * 1024)
        ))),
        Err(_) => Err(invalid(format!(
            "{label} 图片无法解码，可能已损坏或并非真正的图片"
        ))),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Legacy Word
// ---------------------------------------------------------------------------------------------------------------

/// `_VBA_PROJECT` as a UTF-16LE directory-entry name: present in every OLE2 file with a VBA (macro) project.
fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn check_doc<R: Read>(mut source: R) -> Result<(), ContentError> {
    let needle = utf16le("_VBA_PROJECT");
    let mut window: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = source.read(&mut chunk).map_err(read_failed)?;
        if n == 0 {
            return Ok(());
        }
        window.extend_from_slice(&chunk[..n]);
        if window.windows(needle.len()).any(|w| w == needle.as_slice()) {
            return Err(invalid(
                "Word 文档含有宏（VBA），存在安全风险，请另存为不含宏的文档后重新上传",
            ));
        }
        let keep = window.len().saturating_sub(needle.len());
        window.drain(..keep);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Archives
// ---------------------------------------------------------------------------------------------------------------

fn open_zip<R: Read + Seek>(source: R) -> Result<zip::ZipArchive<R>, ContentError> {
    zip::ZipArchive::new(source).map_err(|_| invalid("压缩文件结构无法解析，可能已损坏"))
}

/// Whether a zip is an OOXML package (has `[Content_Types].xml`). Leaves the source at its start.
fn is_ooxml<R: Read + Seek>(source: &mut R) -> Result<bool, ContentError> {
    let found = {
        let archive = open_zip(&mut *source)?;
        archive
            .file_names()
            .any(|n| n.is_ok_and(|n| n.eq_ignore_ascii_case("[Content_Types].xml")))
    };
    source.seek(SeekFrom::Start(0)).map_err(read_failed)?;
    Ok(found)
}

/// Read one entry completely, charging its uncompressed bytes to `budget` and refusing a ratio above the limit.
fn read_entry<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    index: usize,
    limits: &Limits,
    budget: &mut u64,
) -> Result<(String, Option<Vec<u8>>), ContentError> {
    let bomb = || invalid("压缩文件解压后过大或压缩比异常（疑似“压缩炸弹”），已拒绝");
    let mut entry = archive
        .by_index(index)
        .map_err(|_| invalid("压缩文件中有无法读取或已加密的条目，请上传未加密的压缩包"))?;
    let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
    if entry.enclosed_name().is_none() || name.contains('\\') {
        return Err(invalid(format!("压缩文件中的条目名不安全：{name}")));
    }
    if entry.is_symlink() {
        return Err(invalid(format!("压缩文件中不能含有链接：{name}")));
    }
    if entry.encrypted() {
        return Err(invalid("压缩文件中有已加密的条目，请上传未加密的压缩包"));
    }
    if entry.is_dir() {
        return Ok((name, None));
    }
    let declared = entry.size();
    if declared > *budget {
        return Err(bomb());
    }
    let compressed = entry.compressed_size().max(1);
    if declared > 1024 * 1024 && declared / compressed > limits.max_ratio {
        return Err(bomb());
    }
    // The declared size can lie: read at most the remaining budget plus one byte.
    let mut bytes = Vec::new();
    (&mut entry)
        .take(*budget + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| invalid(format!("压缩文件中的条目无法解压：{name}")))?;
    let actual = bytes.len() as u64;
    if actual > *budget || actual != declared {
        return Err(bomb());
    }
    if actual > 1024 * 1024 && actual / compressed > limits.max_ratio {
        return Err(bomb());
    }
    *budget -= actual;
    Ok((name, Some(bytes)))
}

fn check_zip<R: Read + Seek>(
    source: R,
    limits: &Limits,
    depth: u8,
    budget: &mut u64,
) -> Result<(), ContentError> {
    let mut archive = open_zip(source)?;
    if archive.len() > limits.max_entries {
        return Err(invalid(format!(
            "压缩文件条目过多（{} 个，最多 {} 个）",
            archive.len(),
            limits.max_entries
        )));
    }
    for index in 0..archive.len() {
        let (name, bytes) = read_entry(&mut archive, index, limits, budget)?;
        let Some(bytes) = bytes else { continue };
        let Some(kind) = file_type::kind_for_file_name(&name) else {
            return Err(invalid(format!(
                "压缩文件中只能含有 PDF、JPG、PNG、DOC、DOCX 或 ZIP 文件，不允许：{name}"
            )));
        };
        if kind == FileKind::Zip && depth >= limits.max_depth {
            return Err(invalid(format!(
                "压缩文件最多嵌套一层，不允许再含压缩包：{name}"
            )));
        }
        match check_at(kind, Cursor::new(bytes), limits, depth + 1, budget) {
            Ok(_) => {}
            Err(ContentError::WrongType { declared, .. }) => {
                return Err(invalid(format!(
                    "压缩文件中的 {name} 内容与扩展名（{}）不符",
                    declared.label()
                )));
            }
            Err(ContentError::Invalid(reason)) => {
                return Err(invalid(format!("压缩文件中的 {name}：{reason}")));
            }
        }
    }
    Ok(())
}

/// The Word main document part of a (macro-free) `.docx`.
const DOCX_MAIN: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";

fn check_docx<R: Read + Seek>(
    source: R,
    limits: &Limits,
    budget: &mut u64,
) -> Result<(), ContentError> {
    let not_ooxml = || invalid("不是有效的 Word（.docx）文档：缺少 OOXML 文档结构");
    let macros = || {
        invalid(
            "Word 文档含有宏、ActiveX 控件或嵌入对象，存在安全风险，请另存为普通 .docx 后重新上传",
        )
    };
    let mut archive = open_zip(source)?;
    if archive.len() > limits.max_entries {
        return Err(invalid("Word 文档的内部条目过多"));
    }
    let mut content_types = None;
    let mut has_document = false;
    for index in 0..archive.len() {
        let (name, bytes) = read_entry(&mut archive, index, limits, budget)?;
        let lower = name.to_ascii_lowercase();
        if lower.ends_with("vbaproject.bin")
            || lower.ends_with("vbadata.xml")
            || lower.contains("activex")
            || (lower.contains("embeddings/") && lower.ends_with(".bin"))
        {
            return Err(macros());
        }
        if lower == "word/document.xml" {
            has_document = true;
        }
        if lower == "[content_types].xml" {
            content_types = bytes;
        }
    }
    let content_types = content_types.ok_or_else(not_ooxml)?;
    let text = String::from_utf8_lossy(&content_types).to_ascii_lowercase();
    if text.contains("macroenabled") || text.contains("vbaproject") || text.contains("activex") {
        return Err(macros());
    }
    if !has_document || !text.contains(DOCX_MAIN) {
        return Err(not_ooxml());
    }
    Ok(())
}

/// Small sample files built in code — sound ones and the attacks the checks refuse — for the unit tests here and
/// the HTTP tests of the local runner. Nothing here is read from disk.
pub mod samples {
    use std::io::{Cursor, Write};

    /// A minimal valid one-page PDF; `extra` goes into the catalog dictionary (e.g. an /OpenAction).
    pub fn pdf_with(extra_catalog: &str, extra_objects: &[&str]) -> Vec<u8> {
        let mut objects = vec![
            format!("<< /Type /Catalog /Pages 2 0 R {extra_catalog} >>"),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>".to_owned(),
        ];
        objects.extend(extra_objects.iter().map(|o| (*o).to_owned()));
        let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for offset in offsets {
            out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    pub fn pdf() -> Vec<u8> {
        pdf_with("", &[])
    }

    pub fn png() -> Vec<u8> {
        let mut out = Vec::new();
        image::RgbImage::from_pixel(4, 3, image::Rgb([200, 30, 30]))
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .expect("encode png");
        out
    }

    pub fn jpeg() -> Vec<u8> {
        let mut out = Vec::new();
        image::RgbImage::from_pixel(8, 8, image::Rgb([10, 200, 30]))
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
            .expect("encode jpeg");
        out
    }

    /// A zip of `(name, bytes)`, deflated (or stored).
    pub fn zip_of(entries: &[(&str, &[u8])], deflate: bool) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        {
            let mut writer = zip::ZipWriter::new(&mut out);
            let options = zip::write::SimpleFileOptions::default().compression_method(if deflate {
                zip::CompressionMethod::Deflated
            } else {
                zip::CompressionMethod::Stored
            });
            for (name, bytes) in entries {
                writer.start_file(*name, options).expect("entry");
                writer.write_all(bytes).expect("write");
            }
            writer.finish().expect("finish");
        }
        out.into_inner()
    }

    pub const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    pub const MACRO_CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>"#;
    pub const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    pub const DOCUMENT: &str = r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>申请书</w:t></w:r></w:p></w:body></w:document>"#;

    pub fn docx() -> Vec<u8> {
        zip_of(
            &[
                ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
                ("_rels/.rels", RELS.as_bytes()),
                ("word/document.xml", DOCUMENT.as_bytes()),
            ],
            true,
        )
    }

    /// A `.docm` (macro-enabled Word document) renamed: macro content type and a VBA project.
    pub fn docm() -> Vec<u8> {
        zip_of(
            &[
                ("[Content_Types].xml", MACRO_CONTENT_TYPES.as_bytes()),
                ("_rels/.rels", RELS.as_bytes()),
                ("word/document.xml", DOCUMENT.as_bytes()),
                (
                    "word/vbaProject.bin",
                    b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 vba",
                ),
            ],
            true,
        )
    }

    /// A zip whose one entry inflates 10 MiB of zeros from about 10 KiB.
    pub fn zip_bomb() -> Vec<u8> {
        let zeros = vec![0u8; 10 * 1024 * 1024];
        zip_of(&[("scan.pdf", &zeros)], true)
    }

    /// A PDF header followed by an HTML page.
    pub fn pdf_then_html() -> Vec<u8> {
        b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n".to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::samples::*;
    use super::*;

    fn ole2(body: &[u8]) -> Vec<u8> {
        let mut out = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        out.extend_from_slice(&[0u8; 504]);
        out.extend_from_slice(body);
        out
    }

    fn ok(kind: FileKind, bytes: Vec<u8>) -> Result<FileKind, ContentError> {
        check(kind, Cursor::new(bytes), &Limits::default())
    }

    fn reason(result: Result<FileKind, ContentError>) -> String {
        match result {
            Err(ContentError::Invalid(reason)) => reason,
            other => panic!("expected FILE_CONTENT_INVALID, got {other:?}"),
        }
    }

    #[test]
    fn sound_files_of_every_kind_pass() {
        assert_eq!(ok(FileKind::Pdf, pdf()), Ok(FileKind::Pdf));
        assert_eq!(ok(FileKind::Png, png()), Ok(FileKind::Png));
        assert_eq!(ok(FileKind::Jpeg, jpeg()), Ok(FileKind::Jpeg));
        assert_eq!(ok(FileKind::Docx, docx()), Ok(FileKind::Docx));
        assert_eq!(ok(FileKind::Doc, ole2(b"WordDocument")), Ok(FileKind::Doc));
        let bundle = zip_of(
            &[
                ("材料/营业执照.pdf", &pdf()),
                ("材料/照片.png", &png()),
                ("申请书.docx", &docx()),
                ("inner.zip", &zip_of(&[("a.jpg", &jpeg())], true)),
            ],
            true,
        );
        assert_eq!(ok(FileKind::Zip, bundle), Ok(FileKind::Zip));
    }

    #[test]
    fn a_pdf_header_followed_by_html_or_an_executable_is_refused() {
        assert!(reason(ok(FileKind::Pdf, pdf_then_html())).contains("PDF"));
        let mut exe = b"%PDF-1.4\n".to_vec();
        exe.extend_from_slice(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF");
        exe.extend_from_slice(&[0u8; 2048]);
        assert!(reason(ok(FileKind::Pdf, exe)).contains("无法解析"));
    }

    #[test]
    fn pdfs_with_scripts_launch_actions_or_attachments_are_refused() {
        let js = pdf_with(
            "/OpenAction 4 0 R",
            &["<< /S /JavaScript /JS (app.alert(1)) >>"],
        );
        assert!(reason(ok(FileKind::Pdf, js)).contains("JavaScript"));
        let launch = pdf_with("/OpenAction 4 0 R", &["<< /S /Launch /F (cmd.exe) >>"]);
        assert!(reason(ok(FileKind::Pdf, launch)).contains("启动外部程序"));
        let attached = pdf_with(
            "/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
            &[
                "<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>",
                "<< /Type /EmbeddedFile /Length 0 >>",
            ],
        );
        assert!(reason(ok(FileKind::Pdf, attached)).contains("附件"));
        // Nested deep in the page's annotations.
        let annotated = pdf_with(
            "",
            &["<< /Type /Annot /Subtype /Link /A << /S /JavaScript /JS (x) >> >>"],
        );
        assert!(reason(ok(FileKind::Pdf, annotated)).contains("JavaScript"));
    }

    #[test]
    fn a_pdf_without_pages_is_refused() {
        let mut pageless = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".to_vec();
        let xref = pageless.len();
        pageless.extend_from_slice(
            format!("xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
        );
        assert!(reason(ok(FileKind::Pdf, pageless)).contains("PDF"));
    }

    #[test]
    fn images_must_decode() {
        let mut truncated = png();
        truncated.truncate(truncated.len() / 2);
        assert!(reason(ok(FileKind::Png, truncated)).contains("PNG"));
        let mut fake = vec![0xFF, 0xD8, 0xFF, 0xE0];
        fake.extend_from_slice(b"<script>alert(1)</script>");
        assert!(reason(ok(FileKind::Jpeg, fake)).contains("JPEG"));
        // A PNG claiming 30,000 × 30,000 pixels is refused by the memory limit before any decoding.
        let mut huge = png();
        huge[16..20].copy_from_slice(&30_000u32.to_be_bytes());
        huge[20..24].copy_from_slice(&30_000u32.to_be_bytes());
        assert!(ok(FileKind::Png, huge).is_err());
    }

    #[test]
    fn a_macro_enabled_word_document_is_refused() {
        assert!(reason(ok(FileKind::Docx, docm())).contains("宏"));
        // A VBA project alone, or a macro content type alone, is enough.
        let vba_only = zip_of(
            &[
                ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
                ("word/document.xml", DOCUMENT.as_bytes()),
                ("word/vbaProject.bin", b"x"),
            ],
            true,
        );
        assert!(reason(ok(FileKind::Docx, vba_only)).contains("宏"));
        let type_only = zip_of(
            &[
                ("[Content_Types].xml", MACRO_CONTENT_TYPES.as_bytes()),
                ("word/document.xml", DOCUMENT.as_bytes()),
            ],
            true,
        );
        assert!(reason(ok(FileKind::Docx, type_only)).contains("宏"));
        let ole = zip_of(
            &[
                ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
                ("word/document.xml", DOCUMENT.as_bytes()),
                ("word/embeddings/oleObject1.bin", b"MZ"),
            ],
            true,
        );
        assert!(reason(ok(FileKind::Docx, ole)).contains("嵌入对象"));
        let mut doc_with_vba = ole2(b"WordDocument");
        doc_with_vba.extend_from_slice(&utf16le("_VBA_PROJECT"));
        assert!(reason(ok(FileKind::Doc, doc_with_vba)).contains("宏"));
    }

    #[test]
    fn a_zip_declared_as_docx_without_the_ooxml_structure_is_refused() {
        let plain = zip_of(&[("a.pdf", &pdf())], true);
        assert!(reason(ok(FileKind::Docx, plain)).contains("OOXML"));
        // And a docx declared as a zip is a docx.
        assert_eq!(
            ok(FileKind::Zip, docx()),
            Err(ContentError::WrongType {
                declared: FileKind::Zip,
                actual: Some(FileKind::Docx)
            })
        );
    }

    #[test]
    fn zip_bombs_and_oversized_archives_are_refused() {
        assert!(reason(ok(FileKind::Zip, zip_bomb())).contains("压缩炸弹"));
        let small = Limits {
            max_total_bytes: pdf().len() as u64 + 10,
            ..Limits::default()
        };
        let bundle = zip_of(&[("a.pdf", &pdf()), ("b.pdf", &pdf())], false);
        assert!(matches!(
            check(FileKind::Zip, Cursor::new(bundle), &small),
            Err(ContentError::Invalid(_))
        ));
        let many = Limits {
            max_entries: 2,
            ..Limits::default()
        };
        let three = zip_of(
            &[("a.png", &png()), ("b.png", &png()), ("c.png", &png())],
            true,
        );
        assert!(reason(check(FileKind::Zip, Cursor::new(three), &many)).contains("条目过多"));
    }

    #[test]
    fn zips_hold_only_allowed_types_and_nest_once() {
        let exe = zip_of(&[("setup.exe", b"MZ\x90\x00")], true);
        assert!(reason(ok(FileKind::Zip, exe)).contains("setup.exe"));
        let hta = zip_of(&[("notice.hta", b"<html>")], true);
        assert!(reason(ok(FileKind::Zip, hta)).contains("notice.hta"));
        let disguised = zip_of(&[("scan.pdf", b"<html><script>x</script></html>")], true);
        assert!(reason(ok(FileKind::Zip, disguised)).contains("scan.pdf"));
        let inner = zip_of(&[("a.pdf", &pdf())], true);
        let once = zip_of(&[("inner.zip", &inner)], true);
        assert_eq!(ok(FileKind::Zip, once.clone()), Ok(FileKind::Zip));
        let twice = zip_of(&[("outer.zip", &once)], true);
        assert!(reason(ok(FileKind::Zip, twice)).contains("嵌套"));
        let climbing = zip_of(&[("../../etc/a.pdf", &pdf())], true);
        assert!(reason(ok(FileKind::Zip, climbing)).contains("不安全"));
    }

    #[test]
    fn wrong_types_are_reported_as_such() {
        assert_eq!(
            ok(FileKind::Pdf, png()),
            Err(ContentError::WrongType {
                declared: FileKind::Pdf,
                actual: Some(FileKind::Png)
            })
        );
        assert_eq!(
            ok(FileKind::Png, b"<html>".to_vec()),
            Err(ContentError::WrongType {
                declared: FileKind::Png,
                actual: None
            })
        );
    }
}
