#!/usr/bin/env python3
"""Builds a database and upload folder shaped like the original Resume2Website's.

The schema is the original's (facts from its public source): four tables whose columns were
added over time by ALTER TABLE - here added in a different order than the original listed them,
so a reader that goes by position fails. Passwords are hashed by passlib's bcrypt, as the
original hashed them (passlib[bcrypt]==1.7.4, bcrypt==4.1.2); some rows hold an unsalted
SHA-256 instead. CV data comes in every shape the original stored over time.

usage: legacy-fixture.py OUT_DIR                 the test fixture (OUT_DIR/resume2website.db,
                                                 OUT_DIR/uploads/, OUT_DIR/expected.json)
       legacy-fixture.py OUT_DIR --users N --cvs M   a large one for the import benchmark
"""

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import sys

from passlib.hash import bcrypt

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "functions", "extract", "fixtures")


def create_schema(db):
    # The first version of each table, then the columns the original added later, in an
    # order of our own.
    db.executescript(
        """
        CREATE TABLE users (user_id TEXT PRIMARY KEY, email TEXT UNIQUE NOT NULL,
                            password_hash TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE sessions (session_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE cv_uploads (upload_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, job_id TEXT UNIQUE NOT NULL,
                                 filename TEXT NOT NULL, file_type TEXT NOT NULL, upload_date TEXT NOT NULL,
                                 cv_data TEXT, status TEXT DEFAULT 'processing');
        CREATE TABLE cv_extraction_cache (file_hash TEXT PRIMARY KEY, cv_data TEXT NOT NULL,
                                          extraction_model TEXT NOT NULL, temperature REAL NOT NULL,
                                          created_at TEXT NOT NULL);
        """
    )
    for statement in [
        "ALTER TABLE users ADD COLUMN portfolio_expires_at TEXT",
        "ALTER TABLE users ADD COLUMN location TEXT",
        "ALTER TABLE users ADD COLUMN name TEXT",
        "ALTER TABLE cv_uploads ADD COLUMN file_hash TEXT",
        "ALTER TABLE users ADD COLUMN active_portfolio_url TEXT",
        "ALTER TABLE users ADD COLUMN phone TEXT",
        "ALTER TABLE cv_extraction_cache ADD COLUMN access_count INTEGER DEFAULT 1",
        "ALTER TABLE users ADD COLUMN date_of_birth TEXT",
        "ALTER TABLE users ADD COLUMN active_portfolio_id TEXT",
        "ALTER TABLE cv_extraction_cache ADD COLUMN last_accessed TEXT",
        "ALTER TABLE users ADD COLUMN portfolio_created_at TEXT",
        "ALTER TABLE cv_extraction_cache ADD COLUMN confidence_score REAL",
    ]:
        db.execute(statement)


def empty_cv():
    """The newest shape: 15 sections and unclassified_text, every key present, all null."""
    keys = ["hero", "contact", "summary", "experience", "education", "skills", "projects", "achievements",
            "certifications", "languages", "courses", "volunteer", "publications", "speaking", "hobbies"]
    cv = {key: None for key in keys}
    cv["unclassified_text"] = None
    return cv


def current_cv():
    cv = empty_cv()
    cv.update({
        "hero": {"fullName": "Ada Lovelace", "professionalTitle": "Analyst", "summaryTagline": None,
                 "profilePhotoUrl": "https://example.com/ada.jpg"},
        "contact": {"email": "ada@example.com", "phone": "+44 20 7946 0958",
                    "location": {"city": "London", "state": None, "country": "United Kingdom"},
                    "professionalLinks": [{"platform": "LinkedIn", "url": "https://linkedin.com/in/ada"}],
                    "availability": "Open to collaborations", "placeOfBirth": "London", "nationality": "British",
                    "drivingLicense": None, "dateOfBirth": "1815-12-10", "maritalStatus": None, "visaStatus": None},
        "summary": {"summaryText": "Mathematician who wrote the first published algorithm.",
                    "yearsOfExperience": 12, "keySpecializations": ["Algorithms", "Analysis"],
                    "careerHighlights": ["Notes on the Analytical Engine"]},
        "experience": {"sectionTitle": "Experience", "experienceItems": [
            {"jobTitle": "Analyst", "companyName": "Analytical Engine Project",
             "location": {"city": "London", "state": None, "country": "UK"},
             "dateRange": {"startDate": "Jan 1842", "endDate": "Sep 1843", "isCurrent": False},
             "remoteWork": "On-site", "responsibilitiesAndAchievements": ["Translated Menabrea's article",
                                                                           "Wrote Note G"],
             "technologiesUsed": ["Punched cards"], "summary": None, "employmentType": "Contract",
             "teamSize": 2, "reportingTo": "Charles Babbage"},
            {"jobTitle": "Correspondent", "companyName": "Royal Society circle",
             "dateRange": {"startDate": "1840", "endDate": "Present", "isCurrent": True},
             "responsibilitiesAndAchievements": None}]},
        "education": {"sectionTitle": "Education", "educationItems": [
            {"degree": "Private tuition", "fieldOfStudy": "Mathematics", "institution": "Augustus De Morgan",
             "location": None, "dateRange": {"startDate": "Spring 1840", "endDate": "1842", "isCurrent": None},
             "gpa": 4.0, "honors": ["Commended"], "minors": ["Logic"], "relevantCoursework": ["Calculus"],
             "exchangePrograms": None}]},
        "skills": {"sectionTitle": "Skills", "skillCategories": [{"categoryName": "Mathematics",
                                                                  "skills": ["Calculus", "Bernoulli numbers"]}],
                   "ungroupedSkills": ["Translation"], "proficiencyIndicators": {"Calculus": "Expert"}},
        "projects": {"sectionTitle": "Projects", "projectItems": [
            {"title": "Note G", "role": "Author", "duration": "9 months",
             "dateRange": {"startDate": "1843-01", "endDate": "1843-09", "isCurrent": False},
             "description": "An algorithm for Bernoulli numbers.", "keyFeatures": ["Loops"],
             "technologiesUsed": ["Analytical Engine"], "projectUrl": "https://example.com/note-g",
             "imageUrl": "https://example.com/note-g.png", "projectMetrics": {"pages": "65"}}]},
        "achievements": {"sectionTitle": "Achievements", "achievements": [
            {"value": "1st", "label": "published computer program", "contextOrDetail": "Note G", "timeframe": "1843"}]},
        "certifications": {"sectionTitle": None, "certificationItems": [
            {"title": "Fellow", "issuingOrganization": "Society of Analysts", "issueDate": "March 2020",
             "expirationDate": "2030", "credentialId": "SA-1843", "verificationUrl": "https://example.com/verify"}]},
        "languages": {"sectionTitle": "Languages", "languageItems": [
            {"language": "English", "proficiency": "Native", "certification": None},
            {"language": "French", "proficiency": "Fluent", "certification": "DELF C1"}]},
        "courses": {"sectionTitle": "Courses", "courseItems": [
            {"title": "Differential calculus", "institution": "University of London", "year": "1841",
             "dateRange": None, "certificateNumber": "UL-77", "certificateUrl": None, "description": "Evening course"}]},
        "volunteer": {"sectionTitle": "Volunteering", "volunteerItems": [
            {"role": "Tutor", "organization": "Ockham School", "location": {"city": "Ockham"},
             "dateRange": None, "description": "Taught arithmetic", "responsibilities": ["Lessons"],
             "impactMetrics": {"pupils": "30"}, "commitment": "Weekly", "period": "1835 - 1838"}],
            "extracurricularActivities": [{"name": "Horse riding"}]},
        "publications": {"sectionTitle": "Publications", "publications": [
            {"title": "Sketch of the Analytical Engine", "authors": ["L. F. Menabrea", "A. A. L."],
             "publicationType": "Translation", "journalName": "Scientific Memoirs", "conferenceName": None,
             "publicationDate": "1843", "doi": None, "publicationUrl": "https://example.com/sketch",
             "abstract": "With notes by the translator."}]},
        "speaking": {"sectionTitle": "Talks", "speakingEngagements": [
            {"eventName": "Salon", "topic": "The engine", "date": "1844-05", "venue": "Marylebone",
             "role": "Speaker", "eventUrl": None, "presentationUrl": "https://example.com/slides",
             "audienceSize": 40}]},
        "hobbies": {"sectionTitle": "Hobbies", "hobbies": ["Music", "Horses"]},
        "unclassified_text": "Correspondence with Faraday.",
        "additionalData": {"militaryService": None, "references": "Available on request"},
    })
    return cv


def older_cv():
    """An early row: patents and memberships, top-level fields that later moved into
    additionalData, hero.summaryTagline, and volunteer as a bare list."""
    return {
        "hero": {"fullName": "Grace Hopper", "professionalTitle": "Rear Admiral",
                 "summaryTagline": "It's easier to ask forgiveness than it is to get permission."},
        "contact": {"email": "grace@example.com", "phone": None, "location": {"city": "Arlington", "state": "VA",
                                                                             "country": "USA"},
                    "professionalLinks": None},
        "summary": {"summaryText": "Pioneer of compilers.", "yearsOfExperience": "40"},
        "experience": {"sectionTitle": "Career", "experienceItems": [
            {"jobTitle": "Senior Programmer", "companyName": "Remington Rand",
             "dateRange": {"startDate": "1949", "endDate": "1967", "isCurrent": False},
             "responsibilitiesAndAchievements": ["A-0 compiler"]}]},
        "education": None,
        "skills": {"skillCategories": None, "ungroupedSkills": ["COBOL", "FLOW-MATIC"]},
        "volunteer": [{"role": "Speaker", "organization": "Schools", "period": "1970 - 1985",
                       "description": "Nanosecond wires"}],
        "patents": {"sectionTitle": "Patents", "patents": [
            {"title": "Compiler", "patentNumber": "US-0000001", "applicationNumber": "APP-42", "status": "granted",
             "filingDate": "1952-03", "grantDate": "1955", "inventors": ["Grace Hopper"],
             "issuingAuthority": "USPTO", "patentUrl": None, "description": "Translating source to machine code"}]},
        "memberships": {"sectionTitle": "Memberships", "memberships": [
            {"organization": "ACM", "role": "Member", "membershipType": "Fellow", "membershipId": "ACM-7",
             "dateRange": {"startDate": "1960", "endDate": None, "isCurrent": True}, "description": None,
             "period": None}]},
        "hobbies": {"hobbies": ["Sailing"]},
        "drivingLicense": "B",
        "militaryService": "US Navy Reserve",
        "unclassified_text": None,
    }


def bare_volunteer_cv():
    cv = empty_cv()
    cv["hero"] = {"fullName": "Linus Example", "professionalTitle": None, "summaryTagline": None,
                  "profilePhotoUrl": None}
    cv["volunteer"] = [{"role": "Maintainer", "organization": "Kernel club",
                        "dateRange": {"startDate": "2001", "endDate": "1999", "isCurrent": False}}]
    return cv


def copy(src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(src, dst)
    with open(dst, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def fixture(out):
    db_path = os.path.join(out, "resume2website.db")
    uploads = os.path.join(out, "uploads")
    os.makedirs(uploads, exist_ok=True)
    db = sqlite3.connect(db_path)
    create_schema(db)

    passwords = {
        "ada": "Analytical-Engine-1843",
        # Longer than bcrypt's 72 bytes: only the first 72 count, as they did in the original.
        "grace": "nanoseconds-are-eleven-point-eight-inches-of-wire-" + "x" * 30,
    }
    users = [
        # user_id, email, password hash, name, created_at
        ("8f0c9a51-2f0e-4d7e-9b61-5a1d0c3e7a01", "ada@example.com", bcrypt.hash(passwords["ada"]), "Ada Lovelace",
         "2025-01-05T09:15:00.123456"),
        ("8f0c9a51-2f0e-4d7e-9b61-5a1d0c3e7a02", "Grace@Example.com", bcrypt.hash(passwords["grace"]),
         "Grace Hopper", "2025-02-01T10:00:00"),
        # An unsalted SHA-256: the short-lived scheme, or an OAuth sign-up's random password.
        ("8f0c9a51-2f0e-4d7e-9b61-5a1d0c3e7a03", "linus@example.com",
         hashlib.sha256(b"penguin-password-1991").hexdigest(), "Linus Example", "2025-02-03 08:00:00"),
        # The same address as Grace's in another case: a conflict, reported, never merged.
        ("8f0c9a51-2f0e-4d7e-9b61-5a1d0c3e7a04", "grace@example.com", bcrypt.hash("another-password-entirely"),
         "Grace H.", "2025-03-01T10:00:00"),
        ("8f0c9a51-2f0e-4d7e-9b61-5a1d0c3e7a05", "not-an-address", bcrypt.hash("whatever-password-1"),
         "No Address", "2025-03-02T10:00:00"),
    ]
    for user_id, email, hashed, name, created in users:
        db.execute("INSERT INTO users (user_id, email, password_hash, created_at, name, phone) VALUES (?,?,?,?,?,?)",
                   (user_id, email, hashed, created, name, None))
    db.execute("INSERT INTO sessions VALUES ('s-1', ?, '2025-03-01T10:00:00')", (users[0][0],))

    ada, grace, linus, grace2 = users[0][0], users[1][0], users[2][0], users[3][0]
    anonymous = "anonymous_0a1b2c3d4e5f"
    pdf = os.path.join(FIXTURES, "pdf", "01-en-classic.pdf")
    docx = os.path.join(FIXTURES, "docx", "09-de-classic.docx")
    txt = os.path.join(FIXTURES, "txt", "01-en-classic.txt")
    png = os.path.join(FIXTURES, "bad", "photo.png")

    uploads_rows = []
    # {job_id}{ext}
    h = copy(pdf, os.path.join(uploads, "job-ada-1.pdf"))
    with open(os.path.join(uploads, "job-ada-1_extracted.json"), "w") as f:
        json.dump({"stale": True}, f)
    uploads_rows.append(("up-ada-1", ada, "job-ada-1", "ada-cv.pdf", "application/pdf", "2025-01-05T09:20:00",
                         json.dumps(current_cv()), "completed", h))
    # {job_id}/{NN}_{name}: several files for one job
    copy(docx, os.path.join(uploads, "job-ada-2", "01_ada-cv-2025.docx"))
    copy(png, os.path.join(uploads, "job-ada-2", "02_portrait.png"))
    uploads_rows.append(("up-ada-2", ada, "job-ada-2", "ada-cv-2025.docx",
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                         "2025-06-01T12:00:00", json.dumps(older_cv()), "completed", None))
    h = copy(docx, os.path.join(uploads, "job-grace-1.docx"))
    uploads_rows.append(("up-grace-1", grace, "job-grace-1", "grace.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                         "2025-02-01T10:05:00", json.dumps(empty_cv()), "completed", h))
    h = copy(txt, os.path.join(uploads, "job-linus-1.txt"))
    uploads_rows.append(("up-linus-1", linus, "job-linus-1", "linus.txt", "text/plain", "2025-02-03T08:05:00",
                         json.dumps(bare_volunteer_cv()), "completed", h))
    uploads_rows.append(("up-linus-2", linus, "job-linus-2", "broken.pdf", "application/pdf", "2025-02-04T08:05:00",
                         None, "failed", None))
    # {owner}/{job_id}{ext}: an anonymous visitor's upload, never claimed
    h = copy(txt, os.path.join(uploads, anonymous, "job-anon-1.txt"))
    uploads_rows.append(("up-anon-1", anonymous, "job-anon-1", "cv.txt", "text/plain", "2025-04-01T08:00:00",
                         json.dumps(current_cv()), "completed", h))
    # The conflicting account's upload is kept, unclaimed.
    h = copy(pdf, os.path.join(uploads, "job-grace2-1.pdf"))
    uploads_rows.append(("up-grace2-1", grace2, "job-grace2-1", "g.pdf", "application/pdf", "2025-03-01T10:05:00",
                         json.dumps(older_cv()), "completed", h))
    for row in uploads_rows:
        db.execute("INSERT INTO cv_uploads (upload_id, user_id, job_id, filename, file_type, upload_date, cv_data, "
                   "status, file_hash) VALUES (?,?,?,?,?,?,?,?,?)", row)

    with open(pdf, "rb") as f:
        pdf_hash = hashlib.sha256(f.read()).hexdigest()
    db.execute("INSERT INTO cv_extraction_cache (file_hash, cv_data, extraction_model, temperature, created_at, "
               "last_accessed, confidence_score, access_count) VALUES (?,?,?,?,?,?,?,?)",
               (pdf_hash, json.dumps(current_cv()), "claude-3-opus-20240229", 0.0, "2025-01-05T09:20:00",
                "2025-01-06T09:20:00", 0.91, 3))
    db.commit()
    db.close()
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"passwords": passwords, "users": {"ada": ada, "grace": grace, "linus": linus, "grace2": grace2},
                   "sha256_password": "penguin-password-1991", "anonymous": anonymous}, f, indent=2)


def large(out, n_users, n_cvs):
    """n_users accounts and n_cvs CVs (one original each, small text files), for the benchmark."""
    db_path = os.path.join(out, "resume2website.db")
    uploads = os.path.join(out, "uploads")
    os.makedirs(uploads, exist_ok=True)
    db = sqlite3.connect(db_path)
    create_schema(db)
    # One hash for everyone: bcrypt at cost 12 is slow on purpose, and the import never
    # checks hashes (sign-in does).
    hashed = bcrypt.hash("benchmark-password-1")
    cv = json.dumps(current_cv())
    users = []
    for i in range(n_users):
        user_id = f"bench-user-{i:06d}"
        users.append(user_id)
        db.execute("INSERT INTO users (user_id, email, password_hash, created_at, name) VALUES (?,?,?,?,?)",
                   (user_id, f"person{i}@example.com", hashed, "2025-01-01T00:00:00", f"Person {i}"))
    for j in range(n_cvs):
        job = f"bench-job-{j:06d}"
        body = f"Person {j % n_users}\nEngineer\n\nExperience\nAcme 2019 - 2024\n".encode()
        with open(os.path.join(uploads, f"{job}.txt"), "wb") as f:
            f.write(body)
        db.execute("INSERT INTO cv_uploads (upload_id, user_id, job_id, filename, file_type, upload_date, cv_data, "
                   "status, file_hash) VALUES (?,?,?,?,?,?,?,?,?)",
                   (f"bench-up-{j:06d}", users[j % n_users], job, "cv.txt", "text/plain",
                    f"2025-01-{1 + j // n_users:02d}T00:00:00", cv, "completed", hashlib.sha256(body).hexdigest()))
    db.commit()
    db.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--users", type=int)
    parser.add_argument("--cvs", type=int)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if os.path.exists(os.path.join(args.out, "resume2website.db")):
        sys.exit(f"{args.out} already holds a database")
    if args.users:
        large(args.out, args.users, args.cvs or args.users)
    else:
        fixture(args.out)


if __name__ == "__main__":
    main()
