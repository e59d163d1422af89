fn main() {
    let path = std::env::args().nth(1).expect("file");
    let bytes = std::fs::read(path).expect("read");
    let text = r2w_extract::text::extract(&bytes).expect("text");
    println!("{}", text.text);
}
