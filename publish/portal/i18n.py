"""The portal's interface text in Indonesian (default, at /) and English (under /en/).

The words of the data (topics, budget stages, account names) are declared under schemas/ (publish.vocabulary)."""

from __future__ import annotations



LANGS = ("id", "en")
DEFAULT = "id"
NAMES = {"id": "Bahasa Indonesia", "en": "English"}

TEXT: dict[str, tuple[str, str]] = {
    # navigation and frame
    "skip": ("Langsung ke isi", "Skip to content"),
    "nav": ("Navigasi utama", "Main navigation"),
    "home": ("Beranda", "Home"),
    "catalog": ("Katalog", "Catalogue"),
    "budget": ("Anggaran", "Budget"),
    "regulations": ("Peraturan", "Regulations"),
    "performance": ("Kinerja", "Performance"),
    "search": ("Cari", "Search"),
    "developers": ("Untuk pengembang", "For developers"),
    "breadcrumb": ("Jejak halaman", "Breadcrumb"),
    "language": ("Bahasa", "Language"),
    "switch_to": ("English", "Bahasa Indonesia"),
    "sample_banner": ("DATA CONTOH — seluruh data di portal ini fiktif, dibuat untuk demonstrasi, "
                      "dan bukan data resmi pemerintah daerah mana pun.",
                      "SAMPLE DATA — everything on this portal is fictional, made for demonstration, "
                      "and is not the official data of any regional government."),
    "sample_short": ("data contoh (fiktif)", "sample (fictional) data"),
    "footer_publisher": ("Penerbit", "Publisher"),
    "footer_machine": ("Berkas untuk mesin", "Machine-readable files"),
    "footer_licence": ("Kecuali disebut lain, data berlisensi", "Unless stated otherwise, data is licensed"),
    "feed": ("Umpan Atom", "Atom feed"),
    # home
    "whats_new": ("Terbaru", "What is new"),
    "key_figures": ("Angka utama anggaran", "Key budget figures"),
    "all_datasets": ("Semua dataset", "All datasets"),
    "explore": ("Jelajahi", "Explore"),
    "no_budget": ("Belum ada data anggaran yang diterbitkan.", "No budget data has been published yet."),
    "no_releases": ("Belum ada versi yang diterbitkan.", "No version has been published yet."),
    # catalog
    "filters": ("Saring", "Filter"),
    "topic": ("Topik", "Topic"),
    "year": ("Tahun", "Year"),
    "organisation": ("Organisasi", "Organisation"),
    "format": ("Format", "Format"),
    "all": ("Semua", "All"),
    "datasets_found": ("{n} dataset", "{n} datasets"),
    "filtered_by": ("Disaring menurut {what}: {value}", "Filtered by {what}: {value}"),
    "clear_filter": ("Hapus saringan", "Clear filter"),
    "latest_version": ("Versi terbaru", "Latest version"),
    "updated": ("Diperbarui", "Updated"),
    "rows": ("baris", "rows"),
    "row_count": ("Jumlah baris", "Rows"),
    # dataset page
    "about_dataset": ("Tentang dataset ini", "About this dataset"),
    "description_other": ("Deskripsi dalam bahasa Inggris", "Description in Indonesian"),
    "downloads": ("Unduhan", "Downloads"),
    "downloads_note": ("Berkas versi {version}. Tautan permanen: isinya tidak akan pernah berubah.",
                       "Files of version {version}. Permanent links: their content will never change."),
    "file": ("Berkas", "File"),
    "size": ("Ukuran", "Size"),
    "checksum": ("SHA-256", "SHA-256"),
    "other_files": ("Berkas pendukung", "Supporting files"),
    "dictionary": ("Kamus data", "Data dictionary"),
    "field": ("Kolom", "Field"),
    "title": ("Judul", "Title"),
    "type": ("Tipe", "Type"),
    "description": ("Keterangan", "Description"),
    "required": ("Wajib", "Required"),
    "constraints": ("Batasan", "Constraints"),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
    "primary_key": ("Kunci utama", "Primary key"),
    "preview": ("Pratinjau", "Preview"),
    "preview_note": ("{shown} baris pertama dari {total}. Unduh berkas untuk data lengkap.",
                     "First {shown} of {total} rows. Download the files for the full data."),
    "preview_caption": ("Pratinjau baris pertama {title}", "Preview of the first rows of {title}"),
    "history": ("Riwayat versi", "Version history"),
    "version": ("Versi", "Version"),
    "released": ("Diterbitkan", "Released"),
    "change": ("Jenis perubahan", "Kind of change"),
    "change_initial": ("terbitan pertama", "first release"),
    "change_major": ("mayor (skema berubah)", "major (schema changed)"),
    "change_minor": ("minor (data berubah)", "minor (data changed)"),
    "change_patch": ("tambalan (metadata berubah)", "patch (metadata changed)"),
    "withdrawn": ("ditarik", "withdrawn"),
    "live": ("berlaku", "live"),
    "status": ("Status", "Status"),
    "diff_summary": ("+{added} ditambah, −{removed} dihapus, {changed} diubah",
                     "+{added} added, −{removed} removed, {changed} changed"),
    "changes": ("Perubahan", "Changes"),
    "metadata_changes": ("Perubahan metadata", "Metadata changes"),
    "metadata_where": ("Bagian", "Where"),
    "changes_since": ("Perubahan versi {to} terhadap {prev}", "Changes in {to} against {prev}"),
    "changes_schema": ("Struktur data berubah pada versi ini. Baris versi {prev} yang tidak diganti berkas baru "
                       "tidak dapat dibawa ke struktur baru, sehingga tercatat sebagai dihapus. Versi {prev} tetap "
                       "dapat diunduh. Alasan: {reason}",
                       "The data structure changed in this version. Rows of {prev} that the new file did not "
                       "replace could not be carried into the new structure, so they are listed as removed. "
                       "Version {prev} can still be downloaded. Reason: {reason}"),
    "changes_first": ("Versi {to} adalah terbitan pertama: {added} baris.",
                      "Version {to} is the first release: {added} rows."),
    "added": ("ditambah", "added"),
    "removed": ("dihapus", "removed"),
    "changed": ("diubah", "changed"),
    "key": ("Kunci", "Key"),
    "rows_added": ("Baris yang ditambah", "Rows added"),
    "rows_removed": ("Baris yang dihapus", "Rows removed"),
    "rows_changed": ("Baris yang diubah", "Rows changed"),
    "first_of": ("{shown} pertama dari {total}", "first {shown} of {total}"),
    "old_value": ("Nilai lama", "Old value"),
    "new_value": ("Nilai baru", "New value"),
    "changes_partial": ("Ditampilkan {shown} pertama dari {total} baris yang ditambah, dihapus, atau diubah. "
                        "Daftar lengkap:",
                        "Showing the first {shown} of {total} rows added, removed or changed. Full list:"),
    "changes_json_truncated": ("changes.json memuat paling banyak {kept} baris untuk tiap jenis perubahan; "
                               "jumlahnya tetap tepat.",
                               "changes.json lists at most {kept} rows of each kind of change; its counts are exact."),
    "schema_changes": ("Perubahan struktur data", "Schema changes"),
    "schema_what": ("Perubahan", "Change"),
    "schema_added": ("kolom baru", "field added"),
    "schema_removed": ("kolom dihapus", "field removed"),
    "schema_order": ("urutan kolom", "field order"),
    "attr_type": ("tipe", "type"),
    "attr_format": ("format", "format"),
    "attr_title": ("judul", "title"),
    "attr_constraints": ("batasan", "constraints"),
    "totals_csv_note": ("Total yang bergeser juga tersedia sebagai data: satu baris per kelompok, antarversi "
                        "(comparison=version) atau antartahap (comparison=stage).",
                        "The moved totals are also available as data: one row per group, between versions "
                        "(comparison=version) or between stages (comparison=stage)."),
    "totals_moved": ("Total anggaran yang bergeser", "Budget totals that moved"),
    "stage_moves": ("Pergeseran antartahap", "Movement between stages"),
    "before": ("Sebelum", "Before"),
    "after": ("Sesudah", "After"),
    "delta": ("Selisih", "Difference"),
    "group": ("Kelompok", "Group"),
    "validation": ("Hasil validasi", "Validation"),
    "validation_own": ("Berkas sumber versi ini, {source} ({rows} baris), lolos validasi: {errors} galat, {warnings} "
                       "peringatan.", "This version's source file, {source} ({rows} rows), passed validation: "
                       "{errors} errors, {warnings} warnings."),
    "validation_slices_note": ("Versi {version} memuat {rows} baris dari beberapa berkas. Setiap irisan diperiksa "
                               "ketika berkasnya diterima; tabel ini menyebut berkas, versi yang memeriksanya dan "
                               "hasilnya. Laporan di atas hanya berlaku untuk berkas versi ini.",
                               "Version {version} holds {rows} rows from several files. Each slice was checked when "
                               "its file arrived; this table names the file, the version that checked it and the "
                               "result. The report above covers this version's own file only."),
    "validation_by_slice": ("Validasi per irisan (tahun dan tahap)", "Validation by slice (year and stage)"),
    "checked_in": ("Diperiksa pada versi", "Checked in version"),
    "errors": ("Galat", "Errors"),
    "warnings": ("Peringatan", "Warnings"),
    "rules_passed": ("Aturan bisnis", "Business rules"),
    "rules_passed_n": ("{passed} dari {applied} lolos", "{passed} of {applied} passed"),
    "rules_skipped_n": ("{n} tidak berlaku untuk berkas itu", "{n} not applicable to that file"),
    "this_version": ("versi ini", "this version"),
    "no_report": ("tidak ada laporan di penyimpanan", "no report in the store"),
    "rules_of": ("Aturan bisnis yang diperiksa pada {source}", "Business rules checked on {source}"),
    "result": ("Hasil", "Result"),
    "rows_checked": ("Baris diperiksa", "Rows checked"),
    "rule_passed": ("lolos", "passed"),
    "rule_failed": ("tidak lolos", "failed"),
    "rule_skipped": ("tidak berlaku", "not applicable"),
    "validation_findings": ("Temuan validasi berkas versi ini", "Findings on this version's file"),
    "whole_dataset": ("seluruh dataset", "the whole dataset"),
    "unknown": ("tidak diketahui", "unknown"),
    "severity": ("Tingkat", "Severity"),
    "check": ("Pemeriksaan", "Check"),
    "count": ("Jumlah", "Count"),
    "note": ("Catatan", "Note"),
    "rules": ("Aturan yang diperiksa", "Rules checked"),
    "licence": ("Lisensi", "Licence"),
    "citation": ("Sitasi", "Citation"),
    "citation_note": ("Kutip versi yang Anda gunakan; tautannya permanen. Pengarangnya adalah produsen data, "
                      "penerbitnya pengelola portal ini.", "Cite the version you used; its link is permanent. The "
                      "author is the data's producer, the publisher this portal's operator."),
    "cite_bibtex": ("BibTeX", "BibTeX"),
    "cite_ris": ("RIS (Zotero, Mendeley, EndNote)", "RIS (Zotero, Mendeley, EndNote)"),
    "cite_csl": ("CSL-JSON", "CSL-JSON"),
    "cite_save": ("Simpan sebagai {file}", "Save as {file}"),
    "producer": ("Produsen data", "Producer"),
    "licence_note": ("Boleh dipakai ulang dengan menyebut sumbernya: {producer}.", "May be reused with attribution "
                     "to {producer}."),
    "excel_note": ("Untuk Excel, unduh XLSX: kode tetap teks dan angka tetap angka. CSV ditulis dalam UTF-8 dengan "
                   "BOM, dipisah koma: Excel dengan pengaturan wilayah Indonesia memakai titik koma sebagai pemisah "
                   "daftar, jadi buka CSV lewat Data › Dari Teks/CSV, bukan klik ganda.",
                   "For Excel, download the XLSX: codes stay text and numbers stay numbers. The CSV is UTF-8 with a "
                   "BOM, comma-separated: Excel with Indonesian regional settings uses the semicolon as its list "
                   "separator, so open the CSV with Data › From Text/CSV rather than a double click."),
    "same_as": ("sama persis dengan {names}", "identical to {names}"),
    "version_word": ("versi", "version"),
    "provenance": ("Asal-usul", "Provenance"),
    "source_file": ("Berkas sumber", "Source file"),
    "source_org": ("Sumber", "Source"),
    "slices": ("Irisan data dan sumbernya", "Slices of the data and their sources"),
    "slice": ("Irisan", "Slice"),
    "code_version": ("Versi kode", "Code version"),
    "run_id": ("ID proses Dagster", "Dagster run id"),
    "keywords": ("Kata kunci", "Keywords"),
    "publisher": ("Penerbit", "Publisher"),
    "permanent_url": ("Tautan permanen", "Permanent link"),
    "all_versions": ("Semua versi", "All versions"),
    "dataset_page": ("Halaman dataset", "Dataset page"),
    "machine_links": ("Metadata", "Metadata"),
    "release_of": ("Versi {version} dari {title}", "Version {version} of {title}"),
    "tombstone": ("Versi ini telah ditarik", "This version has been withdrawn"),
    "tombstone_note": ("Ditarik pada {date}. Alasan: {reason}. Berkasnya tetap tersedia agar kutipan lama "
                       "tetap dapat diperiksa, tetapi jangan gunakan versi ini untuk analisis baru.",
                       "Withdrawn on {date}. Reason: {reason}. Its files stay available so that old citations "
                       "can be checked, but do not use this version for new analysis."),
    "use_latest": ("Gunakan versi terbaru: {version}", "Use the latest version: {version}"),
    "newer_exists": ("Ada versi yang lebih baru: {version}.", "A newer version exists: {version}."),
    "previous_version": ("Versi sebelumnya", "Previous version"),
    "none": ("tidak ada", "none"),
    # budget
    "budget_title": ("Penjelajah anggaran", "Budget explorer"),
    "stage": ("Tahap", "Stage"),
    "revenue": ("Pendapatan", "Revenue"),
    "spending": ("Belanja", "Spending"),
    "other_views": ("Tahun dan tahap lain", "Other years and stages"),
    "legal_basis": ("Dasar hukum", "Legal basis"),
    "other_budgets": ("Anggaran lain", "Other budgets"),
    # budget explorer (publish/portal/explorer.py, templates budget*.html and figures.html)
    "key_figures_note": ("Setiap {stages} adalah potret tersendiri dari anggaran setahun; angkanya tidak pernah "
                         "dijumlahkan.", "Each {stages} is its own snapshot of the year's budget; their figures are "
                         "never added together."),
    "budget_intro": ("Pendapatan, belanja dan pembiayaan APBD per tahun dan {stages}. Setiap tahap, misalnya "
                     "{murni} dan {perubahan}, ditampilkan terpisah dan tidak pernah dijumlahkan.",
                     "Revenue, spending and financing of the regional budget by year and {stages}. Each stage, such "
                     "as {murni} and {perubahan}, is shown on its own and never added to another."),
    "stage_intro": ("Anggaran dan realisasi tahap {stage}. Angka {stages} lain ada di halamannya sendiri dan tidak "
                    "dijumlahkan dengan tahap ini.", "Budget and realisation of the {stage} stage. Other {stages} are "
                    "on their own pages and never added to this one."),
    "stages": ("Tahap anggaran", "Budget stages"),
    "overview": ("Ikhtisar semua tahun", "Overview of all years"),
    "in_brief": ("ringkasan", "in brief"),
    "in_brief_title": ("Ringkasan", "In brief"),
    "stage_summary": ("Pada {year}, tahap {stage}, pendapatan dianggarkan {revenue} dan belanja {spending}.",
                      "In {year}, {stage} stage, revenue is budgeted at {revenue} and spending at {spending}."),
    "stage_not_reported": ("Realisasi tahap ini belum dilaporkan.", "No realisation has been reported for this "
                           "stage yet."),
    "planned": ("Anggaran", "Budgeted"),
    "realised": ("Realisasi", "Realised"),
    "account": ("akun", "account"),
    "as_of": ("posisi per", "as of"),
    "undated_lines": ("tanggal posisinya tidak disebut ({n} baris)", "reporting date not stated ({n} lines)"),
    "real_amount": ("{realised}: {amount}, {date}.", "{realised}: {amount}, {date}."),
    "coverage": ("Cakupan laporan", "Reported coverage"),
    "real_cover": ("{coverage}: {n} dari {lines} baris melaporkan realisasi, dengan anggaran {amount} ({cover} "
                   "dari anggaran).", "{coverage}: {n} of {lines} lines report a realised amount, with a budget of "
                   "{amount} ({cover} of the budget)."),
    "rate_collected_sentence": ("Pada baris yang melaporkan, terkumpul {rate} dari target; dibagi seluruh "
                                "anggaran, {all}.", "On the lines that report, {rate} of the target was collected; "
                                "over the whole budget, {all}."),
    "rate_spent_sentence": ("Pada baris yang melaporkan, terserap {rate} dari anggaran; dibagi seluruh anggaran, "
                            "{all}.", "On the lines that report, {rate} of the budget was spent; over the whole "
                            "budget, {all}."),
    "rate_realised_sentence": ("Pada baris yang melaporkan, terealisasi {rate}; dibagi seluruh anggaran, {all}.",
                               "On the lines that report, {rate} was realised; over the whole budget, {all}."),
    "not_reported": ("belum dilaporkan", "not reported"),
    "not_reported_long": ("Realisasi belum dilaporkan; baris tanpa realisasi tidak dihitung sebagai nol.",
                          "No realisation reported yet; a line without one is not counted as zero."),
    "rate_collected": ("Terkumpul", "Collected"),
    "rate_spent": ("Serapan", "Spent"),
    "rate_realised": ("Terealisasi", "Realised"),
    "coverage_short": ("cakupan", "coverage"),
    "rate_all_short": ("% atas seluruh anggaran", "% of the whole budget"),
    "share": ("Porsi", "Share"),
    "revenue_by_source": ("Pendapatan menurut sumber", "Revenue by source"),
    "spending_breakdowns": ("Belanja", "Spending"),
    "financing": ("Pembiayaan", "Financing"),
    "financing_in": ("Penerimaan pembiayaan", "Financing receipts"),
    "financing_out": ("Pengeluaran pembiayaan", "Financing outlays"),
    "financing_note": ("Penerimaan dan pengeluaran pembiayaan ditampilkan terpisah, dan tidak dijumlahkan dengan "
                       "pendapatan atau belanja.", "Financing receipts and outlays are shown apart, and never added "
                       "to revenue or spending."),
    "no_lines_revenue": ("Tahap ini tidak memuat baris pendapatan.", "This stage has no revenue lines."),
    "no_lines_spending": ("Tahap ini tidak memuat baris belanja.", "This stage has no spending lines."),
    "no_lines_financing": ("Tahap ini tidak memuat baris pembiayaan.", "This stage has no financing lines."),
    "rev_by_kelompok": ("Pendapatan menurut kelompok", "Revenue by group"),
    "rev_by_jenis": ("Pendapatan menurut jenis", "Revenue by type"),
    "by_skpd": ("Belanja menurut perangkat daerah (SKPD)", "Spending by agency (SKPD)"),
    "by_urusan": ("Belanja menurut urusan pemerintahan", "Spending by government affair (urusan)"),
    "by_kelompok": ("Belanja menurut kelompok belanja", "Spending by group of spending"),
    "by_jenis": ("Belanja menurut jenis belanja", "Spending by type of spending"),
    "by_program": ("Belanja menurut program", "Spending by programme"),
    "fin_in_by_jenis": ("Penerimaan pembiayaan menurut jenis", "Financing receipts by type"),
    "fin_out_by_jenis": ("Pengeluaran pembiayaan menurut jenis", "Financing outlays by type"),
    "children_program": ("Program dalam urusan ini", "Programmes of this affair"),
    "children_kegiatan": ("Kegiatan dalam program ini", "Activities of this programme"),
    "children_sub_kegiatan": ("Sub kegiatan dalam kegiatan ini", "Sub-activities of this activity"),
    "top_4": ("{top} adalah sumber pendapatan terbesar: {amount}, {share} dari total {total}.",
              "{top} is the largest source of revenue: {amount}, {share} of the {total} total."),
    "top_5": ("{top} menerima anggaran belanja terbesar: {amount}, {share} dari total {total}.",
              "{top} has the largest spending budget: {amount}, {share} of the {total} total."),
    "top_6.1": ("{top} adalah penerimaan pembiayaan terbesar: {amount}, {share} dari total {total}.",
                "{top} is the largest financing receipt: {amount}, {share} of the {total} total."),
    "top_6.2": ("{top} adalah pengeluaran pembiayaan terbesar: {amount}, {share} dari total {total}.",
                "{top} is the largest financing outlay: {amount}, {share} of the {total} total."),
    "top_real": ("Realisasinya dilaporkan untuk {cover} anggarannya, {date}; pada bagian itu {word} {rate}.",
                 "Its realisation is reported for {cover} of its budget, {date}; on that part, {word}: {rate}."),
    "chart_legend": ("Grafik: batang atas (biru) anggaran, batang bawah (hijau) realisasi yang dilaporkan.",
                     "Chart: upper (blue) bar budgeted, lower (green) bar realised as reported."),
    "chart_legend_plan": ("Grafik: panjang batang menunjukkan anggaran.", "Chart: bar length shows the budget."),
    "basis_lines": ("{n} baris; anggaran belanja {amount}", "{n} lines; {amount} of spending"),
    "stage_compare": ("Perbandingan tahap tahun {year}", "Stages of {year} compared"),
    "stage_compare_note": ("Setiap kolom adalah satu tahap; {stages} dibandingkan, tidak dijumlahkan.",
                           "Each column is one stage; {stages} are compared, never added together."),
    "stage_change_4": ("Pendapatan tahap {to} {after}, {delta} ({change}) dibanding tahap {from} ({before}).",
                       "Revenue in the {to} stage is {after}, {delta} ({change}) against the {from} stage "
                       "({before})."),
    "stage_change_5": ("Belanja tahap {to} {after}, {delta} ({change}) dibanding tahap {from} ({before}).",
                       "Spending in the {to} stage is {after}, {delta} ({change}) against the {from} stage "
                       "({before})."),
    "yoy_title": ("Tahap {stage} {year} dibanding {prev}", "{stage} stage, {year} against {prev}"),
    "change_pct": ("Perubahan", "Change"),
    "yoy_change_4": ("Pendapatan tahap {stage} {year} {after}: {change} dibanding tahap yang sama tahun {prev} "
                     "({before}).", "Revenue in the {stage} stage of {year} is {after}: {change} against the same "
                     "stage of {prev} ({before})."),
    "yoy_change_5": ("Belanja tahap {stage} {year} {after}: {change} dibanding tahap yang sama tahun {prev} "
                     "({before}).", "Spending in the {stage} stage of {year} is {after}: {change} against the same "
                     "stage of {prev} ({before})."),
    "yoy_change_6_1": ("Penerimaan pembiayaan tahap {stage} {year} {after}: {change} dibanding tahap yang sama tahun "
                       "{prev} ({before}).", "Financing receipts in the {stage} stage of {year} are {after}: {change} "
                       "against the same stage of {prev} ({before})."),
    "yoy_change_6_2": ("Pengeluaran pembiayaan tahap {stage} {year} {after}: {change} dibanding tahap yang sama tahun "
                       "{prev} ({before}).", "Financing outlays in the {stage} stage of {year} are {after}: {change} "
                       "against the same stage of {prev} ({before})."),
    "latest_stage": ("Tahap terbaru", "Latest stage"),
    "over_the_years": ("Anggaran dari tahun ke tahun", "The budget over the years"),
    "over_the_years_note": ("Baris adalah tahun, kolom adalah {stages}; setiap sel adalah potret tersendiri.",
                            "Rows are years, columns {stages}; every cell is its own snapshot."),
    "by_year_and_stage": ("menurut tahun dan tahap", "by year and stage"),
    "all_stages": ("Semua tahun dan tahap", "Every year and stage"),
    "level_urusan": ("Urusan", "Affair"),
    "level_program": ("Program", "Programme"),
    "level_kegiatan": ("Kegiatan", "Activity"),
    "level_sub_kegiatan": ("Sub kegiatan", "Sub-activity"),
    "level_skpd": ("Perangkat daerah", "Agency"),
    "level_kelompok": ("Kelompok rekening", "Account group"),
    "level_jenis": ("Jenis rekening", "Account type"),
    "drill_intro_urusan": ("Belanja {what} {code} pada {year}, tahap {stage}, dan program di dalamnya.",
                           "Spending of {what} {code} in {year}, {stage} stage, and its programmes."),
    "drill_intro_program": ("Belanja {what} {code} pada {year}, tahap {stage}, dan kegiatan di dalamnya.",
                            "Spending of {what} {code} in {year}, {stage} stage, and its activities."),
    "drill_intro_kegiatan": ("Belanja {what} {code} pada {year}, tahap {stage}, dan sub kegiatan di dalamnya.",
                             "Spending of {what} {code} in {year}, {stage} stage, and its sub-activities."),
    "drill_intro_skpd": ("Pendapatan, belanja dan pembiayaan perangkat daerah ini ({code}) pada {year}, tahap "
                         "{stage}, masing-masing terpisah.", "Revenue, spending and financing of this agency ({code}) "
                         "in {year}, {stage} stage, each on its own."),
    "drill_description": ("Anggaran dan realisasi {what} ({code}), {year}, tahap {stage}.",
                          "Budget and realisation of {what} ({code}), {year}, {stage} stage."),
    "share_of_stage": ("{share} dari belanja tahap ini", "{share} of this stage's spending"),
    "back_to_stage": ("Kembali ke {year}, tahap {stage}", "Back to {year}, {stage} stage"),
    "glossary_title": ("Glosarium", "Glossary"),
    "glossary_intro": ("Arti kata-kata anggaran daerah yang dipakai di portal ini.",
                       "What the words of regional budgets used on this portal mean."),
    "news_slices": ("{slices} diterbitkan: {diff}", "{slices} published: {diff}"),
    "news_first": ("terbitan pertama, {rows} baris", "first release, {rows} rows"),
    "news_update": ("data diperbarui: {diff}", "data updated: {diff}"),
    "data_table": ("Tabel data", "Data table"),
    "name": ("Nama", "Name"),
    "code": ("Kode", "Code"),
    "total": ("Total", "Total"),
    "year_stage": ("{year}, tahap {stage}", "{year}, {stage} stage"),
    # regulations
    "reg_title": ("Register peraturan", "Regulation register"),
    "reg_intro": ("Peraturan daerah dan peraturan kepala daerah beserta hubungan perubahan dan pencabutannya.",
                  "Regional regulations and head-of-region regulations with their amendment and revocation links."),
    "jenis": ("Jenis", "Type"),
    "nomor": ("Nomor", "Number"),
    "about": ("Tentang", "About"),
    "enacted": ("Ditetapkan", "Enacted"),
    "promulgated": ("Diundangkan", "Promulgated"),
    "amends": ("Mengubah", "Amends"),
    "amended_by": ("Diubah oleh", "Amended by"),
    "revokes": ("Mencabut", "Revokes"),
    "revoked_by": ("Dicabut oleh", "Revoked by"),
    "also_amends_this": ("Peraturan yang mengubah peraturan ini", "Regulations amending this one"),
    "document": ("Dokumen", "Document"),
    "open_document": ("Buka dokumen peraturan", "Open the regulation's document"),
    "jdih_page": ("Situs JDIH", "JDIH site"),
    "latest_amendment": ("perubahan terakhir", "latest amendment"),
    "derived_mengubah": ("menurut peraturan itu juga", "according to that regulation, also"),
    "derived_diubah_oleh": ("perubahan sebelumnya (dicatat pada kolom mengubah peraturan itu)",
                            "earlier amendments (recorded in that regulation's mengubah)"),
    "derived_mencabut": ("menurut peraturan itu juga", "according to that regulation, also"),
    "derived_dicabut_oleh": ("menurut peraturan itu", "according to that regulation"),
    "derived_note": ("dicatat pada baris peraturan yang lain, bukan pada baris ini.",
                     "recorded on the other regulation's row, not on this one."),
    "subject": ("Subjek", "Subject"),
    "field_of_law": ("Bidang hukum", "Field of law"),
    "status_berlaku": ("berlaku", "in force"),
    "status_tidak berlaku": ("tidak berlaku", "not in force"),
    "cited_by_budget": ("Baris anggaran yang merujuk peraturan ini", "Budget lines citing this regulation"),
    "cited_lines": ("{n} baris APBD {year}, tahap {stage} (anggaran belanja {amount})",
                    "{n} budget lines of {year}, {stage} stage ({amount} of spending)"),
    "sample_tag": ("DATA CONTOH", "SAMPLE DATA"),
    "latest_alias": ("Selalu versi terbaru (untuk skrip)", "Always the newest version (for scripts)"),
    "regs_found": ("{n} peraturan", "{n} regulations"),
    "unknown_reg": ("(tidak ada di register)", "(not in the register)"),
    "page_n": ("Halaman {n}", "Page {n}"),
    "pages": ("Halaman", "Pages"),
    # performance
    "perf_title": ("Capaian kinerja perangkat daerah", "Agency performance"),
    "perf_intro": ("Target dibandingkan realisasi indikator kinerja setiap perangkat daerah.",
                   "Targets against realisation of each agency's performance indicators."),
    "indicator": ("Indikator", "Indicator"),
    "unit": ("Satuan", "Unit"),
    "target": ("Target", "Target"),
    "achievement": ("Capaian", "Achievement"),
    "indicators": ("Indikator", "Indicators"),
    "met": ("Tercapai ({rule})", "Met ({rule})"),
    "avg_achievement": ("Rata-rata capaian", "Average achievement"),
    "perf_summary": ("{met} dari {n} indikator mencapai target; rata-rata capaian {avg}.",
                     "{met} of {n} indicators met their target; average achievement {avg}."),
    "perf_chart_note": ("Panjang batang menunjukkan capaian (dibatasi {cap}); garis menandai {full}.",
                        "Bar length shows achievement (capped at {cap}); the line marks {full}."),
    "no_data": ("Belum ada data.", "No data yet."),
    # search
    "search_title": ("Cari data", "Search the data"),
    "search_label": ("Kata pencarian", "Search terms"),
    "search_button": ("Cari", "Search"),
    "search_nojs": ("Pencarian teks memerlukan JavaScript. Tanpa JavaScript, gunakan daftar dan saringan di "
                    "katalog; semua dataset tercantum di bawah ini.",
                    "Full-text search needs JavaScript. Without it, use the lists and filters of the "
                    "catalogue; every dataset is listed below."),
    "search_results": ("Hasil pencarian", "Search results"),
    "search_more": ("Tampilkan hasil berikutnya", "Show the next results"),
    # developers
    "dev_title": ("Data untuk mesin", "Data for machines"),
    "dev_files": ("Setiap versi: data.csv (UTF-8 dengan BOM, koma; baca dengan encoding utf-8-sig bila pembaca Anda "
                  "tidak melewati BOM), data.xlsx (dari tabel yang sama, sel bertipe), data.parquet, per tahun "
                  "data-<tahun>.csv dan .parquet, datapackage.json dan SHA256SUMS.",
                  "Every version: data.csv (UTF-8 with a BOM, comma-separated; read it as utf-8-sig if your reader "
                  "does not skip the BOM), data.xlsx (from the same table, typed cells), data.parquet, per year "
                  "data-<year>.csv and .parquet, datapackage.json and SHA256SUMS."),
    "dev_intro": ("Semua berkas di bawah ini statis dan dibangun ulang setiap kali ada versi baru.",
                  "All files below are static and rebuilt whenever a new version is published."),
    # transparency scorecard and release calendar (publish/portal/transparency.py)
    "tr_title": ("Ketepatan waktu publikasi anggaran", "Budget publication timeliness"),
    "tr_year_title": ("Ketepatan waktu publikasi tahun anggaran {year}", "Publication timeliness, fiscal year {year}"),
    "tr_intro": ("Berapa hari setelah tanggal acuannya (penetapan peraturan atau akhir periode laporan) setiap "
                 "dokumen anggaran pertama kali terbit di portal ini, dinilai dengan batas waktu Open Budget "
                 "Survey, PEFA PI-9 dan UU 14/2008. Dokumen yang tidak terbit dihitung tidak ada, tidak pernah "
                 "tepat waktu.",
                 "How many days after the date it counts from (the regulation's enactment or the end of the "
                 "reporting period) each budget document was first published on this portal, graded against the "
                 "windows of the Open Budget Survey, PEFA PI-9 and UU 14/2008. A document never published counts "
                 "as missing, never as on time."),
    "tr_document": ("Dokumen", "Document"),
    "tr_legal_date": ("Tanggal acuan", "Counts from"),
    "tr_published": ("Terbit di portal", "Published on the portal"),
    "tr_days": ("Hari", "Days"),
    "tr_period_end": ("akhir periode", "end of period"),
    "tr_not_published": ("belum terbit", "not published"),
    "tr_unknown": ("tidak diketahui", "unknown"),
    "tr_due": ("batas {date}", "due {date}"),
    "tr_rules": ("Aturan yang dipakai", "The rules applied"),
    "tr_evidence": ("Bukti terbit", "Evidence of publication"),
    "tr_summary": ("Ringkasan per tahun", "Summary by year"),
    "tr_obs_count": ("{n} dari {m} dokumen tepat waktu (OBS)", "{n} of {m} documents on time (OBS)"),
    "tr_pefa_score": ("Skor PEFA PI-9 dari unsur yang terbit di portal ini", "PEFA PI-9 score from the elements "
                      "published on this portal"),
    "tr_data": ("Data skor (JSON)", "Scorecard data (JSON)"),
    "st_on_time": ("tepat waktu", "on time"),
    "st_late": ("terlambat", "late"),
    "st_missing": ("tidak ada", "missing"),
    "st_pending": ("belum jatuh tempo", "not yet due"),
    "st_none": ("tidak ada perubahan", "no amendment"),
    "st_no_legal_date": ("tanggal acuan tidak diketahui", "date it counts from unknown"),
    "st_n/a": ("tidak dinilai", "not graded"),
    "cal_title": ("Jadwal rilis", "Release calendar"),
    "cal_intro": ("Kapan setiap dokumen anggaran paling lambat terbit di portal ini, menurut batas waktu yang "
                  "paling ketat yang berlaku (Satu Data Indonesia meminta jadwal rilis diumumkan).",
                  "When each budget document is due on this portal at the latest, by the strictest window that "
                  "applies (Satu Data Indonesia asks for a published release calendar)."),
    "cal_due": ("Paling lambat", "Due by"),
    "cal_state": ("Keadaan", "State"),
    "cal_published": ("terbit {date}", "published {date}"),
    "cal_overdue": ("lewat batas waktu", "overdue"),
    "cal_scheduled": ("dijadwalkan", "scheduled"),
    "cal_after_law": ("setelah peraturannya ditetapkan", "once its regulation is enacted"),
    "cal_data": ("Jadwal rilis (JSON, CSV)", "Release calendar (JSON, CSV)"),
}


def translator(lang: str):
    """t(key, **values) in `lang`, falling back to the key itself so a missing text is visible, not fatal."""
    index = LANGS.index(lang)

    def t(key: str, **values) -> str:
        pair = TEXT.get(key)
        text = pair[index] if pair else key
        return text.format(**values) if values else text

    return t


def both(key: str, **values) -> dict:
    """A text in every language, as a {lang: text} mapping (for labels computed outside templates)."""
    return {lang: translator(lang)(key, **values) for lang in LANGS}


def pick(value, lang: str) -> str:
    """A {id, en} mapping (or a plain string) in `lang`."""
    if isinstance(value, dict):
        return value.get(lang) or value.get(DEFAULT) or next(iter(value.values()), "")
    return value or ""
