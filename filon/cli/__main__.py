from filon.cli import main

main()
