from semantic.cli import main

main()
