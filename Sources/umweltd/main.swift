print("umweltd")
