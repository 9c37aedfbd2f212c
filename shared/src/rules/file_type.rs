//! Evidence file types and content sniffing (DESIGN.md "Evidence files": pdf, jpg/png, zip, doc/docx).
//!
//! An upload declares a content type; once the object is stored, the `upload` function reads its first
//! [`SNIFF_LEN`] bytes and checks with [`sniff`] + [`content_matches`] that the bytes are what was declared.
//!
//! Limits of sniffing by magic bytes, by design:
//! - A `.docx` is a zip archive (OOXML). Telling it from any other zip needs the central directory or at least
//!   the first local-file-header name, which is beyond the first few bytes, so [`sniff`] reports it as
//!   [`FileKind::Zip`] and [`content_matches`] accepts a declared docx whose bytes are a zip.
//! - The OLE2 compound-file signature that marks a `.doc` also marks `.xls`, `.ppt` and `.msi`; those are
//!   accepted as [`FileKind::Doc`] when declared as `application/msword`.
//! - A PDF must start with `%PDF-`. Readers tolerate leading garbage before the header; we do not.

use serde::{Deserialize, Serialize};

/// Number of leading bytes [`sniff`] needs to recognise every supported kind (the PNG and OLE2 signatures
/// are 8 bytes long). Passing more is fine; passing fewer can only yield `None` for the longer signatures.
pub const SNIFF_LEN: usize = 8;

const PDF_MAGIC: &[u8] = b"%PDF-";
const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
const PNG_MAGIC: &[u8] = &[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
/// A zip that starts with a local file header (every non-empty archive).
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// An empty zip archive: only the end-of-central-directory record.
const ZIP_EMPTY_MAGIC: &[u8] = b"PK\x05\x06";
/// OLE2 / Compound File Binary header, used by legacy Word `.doc`.
const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// A file type allowed as evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
    Zip,
    /// Legacy Word (OLE2 compound file).
    Doc,
    /// Office Open XML Word document (a zip archive).
    Docx,
}

impl FileKind {
    /// Every allowed kind, in display order.
    pub const ALL: [FileKind; 6] = [
        FileKind::Pdf,
        FileKind::Jpeg,
        FileKind::Png,
        FileKind::Zip,
        FileKind::Doc,
        FileKind::Docx,
    ];

    /// The canonical MIME type, as stored and as pinned into presigned uploads.
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Zip => "application/zip",
            FileKind::Doc => "application/msword",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }

    /// File-name extensions (lower case, without the dot), the preferred one first.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::Pdf => &["pdf"],
            FileKind::Jpeg => &["jpg", "jpeg"],
            FileKind::Png => &["png"],
            FileKind::Zip => &["zip"],
            FileKind::Doc => &["doc"],
            FileKind::Docx => &["docx"],
        }
    }

    /// Chinese label for people.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF文档",
            FileKind::Jpeg => "JPEG图片",
            FileKind::Png => "PNG图片",
            FileKind::Zip => "ZIP压缩包",
            FileKind::Doc => "Word文档（.doc）",
            FileKind::Docx => "Word文档（.docx）",
        }
    }
}

/// The kind for a declared `Content-Type`: case-insensitive, parameters (`; charset=…`) and surrounding
/// whitespace ignored. Besides the canonical types, accepts the common aliases `image/jpg`, `image/pjpeg`,
/// `application/x-zip-compressed` and `application/x-zip`. Anything else is `None` (not allowed).
pub fn kind_for_content_type(ct: &str) -> Option<FileKind> {
    let essence = ct.split(';').next().unwrap_or_default().trim();
    let essence = essence.to_ascii_lowercase();
    Some(match essence.as_str() {
        "application/pdf" => FileKind::Pdf,
        "image/jpeg" | "image/jpg" | "image/pjpeg" => FileKind::Jpeg,
        "image/png" => FileKind::Png,
        "application/zip" | "application/x-zip-compressed" | "application/x-zip" => FileKind::Zip,
        "application/msword" => FileKind::Doc,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => FileKind::Docx,
        _ => return None,
    })
}

/// The kind for a file name's extension (case-insensitive; `"证明.PDF"` → `Pdf`). `None` when the name has
/// no extension or an extension that is not allowed.
pub fn kind_for_file_name(file_name: &str) -> Option<FileKind> {
    let (_, ext) = file_name.trim().rsplit_once('.')?;
    let ext = ext.to_ascii_lowercase();
    FileKind::ALL
        .into_iter()
        .find(|k| k.extensions().contains(&ext.as_str()))
}

/// Recognises a file from its first bytes (at least [`SNIFF_LEN`] for a sure answer). Reports
/// `Pdf`, `Jpeg`, `Png`, `Zip` or `Doc`; never `Docx` (a docx is reported as `Zip`, see the module docs).
/// Empty, truncated or unknown input gives `None`.
pub fn sniff(first_bytes: &[u8]) -> Option<FileKind> {
    const SIGNATURES: [(&[u8], FileKind); 6] = [
        (PDF_MAGIC, FileKind::Pdf),
        (JPEG_MAGIC, FileKind::Jpeg),
        (PNG_MAGIC, FileKind::Png),
        (ZIP_MAGIC, FileKind::Zip),
        (ZIP_EMPTY_MAGIC, FileKind::Zip),
        (OLE2_MAGIC, FileKind::Doc),
    ];
    SIGNATURES
        .into_iter()
        .find(|(magic, _)| first_bytes.starts_with(magic))
        .map(|(_, kind)| kind)
}

/// Whether sniffed content is consistent with the declared kind: a declared docx (or zip) whose bytes are a
/// zip is accepted; otherwise the kinds must be equal. Unrecognised content (`None`) never matches.
pub fn content_matches(declared: FileKind, sniffed: Option<FileKind>) -> bool {
    match (declared, sniffed) {
        (_, None) => false,
        (FileKind::Docx, Some(FileKind::Zip)) => true,
        (declared, Some(sniffed)) => declared == sniffed,
    }
}

/// Characters that must never reach a saved file name: control characters, bidirectional overrides, embeddings
/// and isolates (an `U+202E` makes `fdp.exe` display as `exe.pdf`), direction marks, zero-width and other
/// invisible format characters.
pub fn is_unsafe_in_file_name(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}')
}

/// The name a download is saved under: the client's name reduced to a clean stem — no folders, no unsafe
/// characters ([`is_unsafe_in_file_name`]), no characters Windows forbids, no trailing extensions (`setup.exe`,
/// `scan.pdf.js`, `notice.hta` all lose theirs) — plus the preferred extension of the checked kind. An empty stem
/// becomes `证明材料`.
pub fn download_name(client_name: &str, kind: FileKind) -> String {
    let base = client_name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !is_unsafe_in_file_name(*c))
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
            c => c,
        })
        .collect();
    let mut stem = cleaned.trim_matches([' ', '.']).to_owned();
    // Drop trailing extensions: a last segment of 1–6 ASCII letters and digits with at least one letter.
    while let Some((head, ext)) = stem.rsplit_once('.') {
        let is_extension = (1..=6).contains(&ext.len())
            && ext.chars().all(|c| c.is_ascii_alphanumeric())
            && ext.chars().any(|c| c.is_ascii_alphabetic());
        if !is_extension || head.trim_matches([' ', '.']).is_empty() {
            break;
        }
        stem = head.trim_end_matches([' ', '.']).to_owned();
    }
    let mut stem: String = stem.chars().take(100).collect();
    stem = stem.trim_matches([' ', '.']).to_owned();
    if stem.is_empty() {
        stem = "证明材料".to_owned();
    }
    format!("{stem}.{}", kind.extensions()[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    const PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D,
    ];
    const ZIP: &[u8] = b"PK\x03\x04\x14\x00\x06\x00\x08\x00[Content_Types].xml";
    const ZIP_EMPTY: &[u8] = b"PK\x05\x06\x00\x00\x00\x00";
    const DOC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0x00, 0x00];

    #[test]
    fn each_magic_is_recognised() {
        assert_eq!(sniff(PDF), Some(FileKind::Pdf));
        assert_eq!(sniff(JPEG), Some(FileKind::Jpeg));
        assert_eq!(sniff(PNG), Some(FileKind::Png));
        assert_eq!(sniff(ZIP), Some(FileKind::Zip));
        assert_eq!(sniff(ZIP_EMPTY), Some(FileKind::Zip));
        assert_eq!(sniff(DOC), Some(FileKind::Doc));
    }

    #[test]
    fn exactly_sniff_len_bytes_are_enough_for_every_kind() {
        for sample in [PDF, JPEG, PNG, ZIP, ZIP_EMPTY, DOC] {
            assert!(sample.len() >= SNIFF_LEN);
            assert_eq!(sniff(&sample[..SNIFF_LEN]), sniff(sample), "{sample:?}");
            assert!(sniff(&sample[..SNIFF_LEN]).is_some());
        }
    }

    #[test]
    fn bare_signatures_are_enough_and_one_byte_less_is_not() {
        for (magic, kind) in [
            (PDF_MAGIC, FileKind::Pdf),
            (JPEG_MAGIC, FileKind::Jpeg),
            (PNG_MAGIC, FileKind::Png),
            (ZIP_MAGIC, FileKind::Zip),
            (ZIP_EMPTY_MAGIC, FileKind::Zip),
            (OLE2_MAGIC, FileKind::Doc),
        ] {
            assert_eq!(sniff(magic), Some(kind));
            assert_eq!(sniff(&magic[..magic.len() - 1]), None, "{kind:?} truncated");
        }
    }

    #[test]
    fn empty_and_unknown_input_is_not_recognised() {
        assert_eq!(sniff(&[]), None);
        assert_eq!(sniff(b"%PD"), None);
        assert_eq!(sniff(b"PK"), None);
        assert_eq!(sniff(b"PK\x01\x02"), None);
        assert_eq!(sniff(b"GIF89a\x01\x00"), None);
        assert_eq!(sniff(b"<html><body>"), None);
        assert_eq!(sniff(b" %PDF-1.4"), None, "leading garbage is refused");
        assert_eq!(
            sniff(&[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x00]),
            None
        );
    }

    #[test]
    fn png_body_declared_as_pdf_is_refused() {
        assert!(!content_matches(FileKind::Pdf, sniff(PNG)));
        assert!(!content_matches(FileKind::Jpeg, sniff(PNG)));
        assert!(content_matches(FileKind::Png, sniff(PNG)));
    }

    #[test]
    fn docx_and_zip_declared_accept_zip_content() {
        assert!(content_matches(FileKind::Docx, sniff(ZIP)));
        assert!(content_matches(FileKind::Docx, sniff(ZIP_EMPTY)));
        assert!(content_matches(FileKind::Zip, sniff(ZIP)));
        assert!(content_matches(FileKind::Docx, Some(FileKind::Docx)));
        // The reverse and the legacy format do not mix.
        assert!(!content_matches(FileKind::Zip, Some(FileKind::Docx)));
        assert!(!content_matches(FileKind::Doc, sniff(ZIP)));
        assert!(!content_matches(FileKind::Docx, sniff(DOC)));
    }

    #[test]
    fn unrecognised_content_never_matches() {
        for kind in FileKind::ALL {
            assert!(!content_matches(kind, None), "{kind:?}");
            assert!(!content_matches(kind, sniff(&[])), "{kind:?}");
        }
    }

    #[test]
    fn every_kind_matches_itself_and_only_itself() {
        for declared in FileKind::ALL {
            for sniffed in FileKind::ALL {
                let expected =
                    declared == sniffed || (declared == FileKind::Docx && sniffed == FileKind::Zip);
                assert_eq!(
                    content_matches(declared, Some(sniffed)),
                    expected,
                    "{declared:?} vs {sniffed:?}"
                );
            }
        }
    }

    #[test]
    fn content_types_map_both_ways() {
        for kind in FileKind::ALL {
            assert_eq!(kind_for_content_type(kind.content_type()), Some(kind));
        }
        assert_eq!(FileKind::Pdf.content_type(), "application/pdf");
        assert_eq!(FileKind::Jpeg.content_type(), "image/jpeg");
        assert_eq!(FileKind::Png.content_type(), "image/png");
        assert_eq!(FileKind::Zip.content_type(), "application/zip");
        assert_eq!(FileKind::Doc.content_type(), "application/msword");
        assert_eq!(
            FileKind::Docx.content_type(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
    }

    #[test]
    fn content_type_lookup_ignores_case_parameters_and_accepts_aliases() {
        assert_eq!(
            kind_for_content_type("Application/PDF"),
            Some(FileKind::Pdf)
        );
        assert_eq!(
            kind_for_content_type(" application/pdf ; name=\"a.pdf\""),
            Some(FileKind::Pdf)
        );
        assert_eq!(kind_for_content_type("image/jpg"), Some(FileKind::Jpeg));
        assert_eq!(
            kind_for_content_type("IMAGE/JPEG;q=1"),
            Some(FileKind::Jpeg)
        );
        assert_eq!(
            kind_for_content_type("application/x-zip-compressed"),
            Some(FileKind::Zip)
        );
        for bad in [
            "",
            "text/plain",
            "image/gif",
            "application/octet-stream",
            "application/vnd.ms-excel",
            "application/pdfx",
            ";application/pdf",
        ] {
            assert_eq!(kind_for_content_type(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn file_name_extensions_map_to_kinds() {
        assert_eq!(kind_for_file_name("营业执照.PDF"), Some(FileKind::Pdf));
        assert_eq!(kind_for_file_name("photo.jpeg"), Some(FileKind::Jpeg));
        assert_eq!(kind_for_file_name("photo.JPG"), Some(FileKind::Jpeg));
        assert_eq!(kind_for_file_name("a.tar.zip"), Some(FileKind::Zip));
        assert_eq!(kind_for_file_name("申请书.docx"), Some(FileKind::Docx));
        assert_eq!(kind_for_file_name("申请书.doc"), Some(FileKind::Doc));
        assert_eq!(kind_for_file_name("readme"), None);
        assert_eq!(kind_for_file_name("a.exe"), None);
        assert_eq!(kind_for_file_name("pdf"), None);
    }

    #[test]
    fn labels_extensions_and_serde_names() {
        for kind in FileKind::ALL {
            assert!(!kind.label().is_empty());
            assert!(!kind.extensions().is_empty());
        }
        assert_eq!(
            serde_json::to_value(FileKind::Docx).unwrap(),
            serde_json::json!("docx")
        );
        assert_eq!(
            serde_json::from_value::<FileKind>(serde_json::json!("jpeg")).unwrap(),
            FileKind::Jpeg
        );
    }

    #[test]
    fn download_names_keep_a_clean_stem_and_take_the_checked_extension() {
        assert_eq!(download_name("setup.exe", FileKind::Pdf), "setup.pdf");
        assert_eq!(download_name("notice.hta", FileKind::Png), "notice.png");
        assert_eq!(download_name("scan.pdf.js", FileKind::Pdf), "scan.pdf");
        assert_eq!(
            download_name("营业执照 2026.PDF", FileKind::Pdf),
            "营业执照 2026.pdf"
        );
        assert_eq!(
            download_name("v1.2 申请书.docx", FileKind::Docx),
            "v1.2 申请书.docx"
        );
        assert_eq!(download_name("photo.jpeg", FileKind::Jpeg), "photo.jpg");
        // Right-to-left override: "invoice\u{202E}fdp.exe" displays as "invoiceexe.pdf".
        assert_eq!(
            download_name("invoice\u{202E}fdp.exe", FileKind::Pdf),
            "invoicefdp.pdf"
        );
        assert_eq!(
            download_name("a\u{2066}b\u{200F}c\u{FEFF}\u{0007}.pdf", FileKind::Pdf),
            "abc.pdf"
        );
        assert_eq!(
            download_name("C:\\Users\\x\\..\\报告.pdf", FileKind::Pdf),
            "报告.pdf"
        );
        assert_eq!(
            download_name("../../etc/passwd", FileKind::Zip),
            "passwd.zip"
        );
        assert_eq!(
            download_name("a<b>:\"c\"|?*.pdf", FileKind::Pdf),
            "a_b___c____.pdf"
        );
        assert_eq!(download_name(".exe", FileKind::Pdf), "exe.pdf");
        for empty in ["", "\u{202E}", " . ", ".."] {
            assert_eq!(
                download_name(empty, FileKind::Pdf),
                "证明材料.pdf",
                "{empty:?}"
            );
        }
        let long = "长".repeat(300) + ".pdf";
        assert_eq!(download_name(&long, FileKind::Pdf).chars().count(), 104);
        for kind in FileKind::ALL {
            let name = download_name("x.y.exe", kind);
            assert_eq!(kind_for_file_name(&name), Some(kind), "{name}");
            assert!(!name.chars().any(is_unsafe_in_file_name));
        }
    }
}
