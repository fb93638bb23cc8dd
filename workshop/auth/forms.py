from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(
        "メールアドレス",
        validators=[DataRequired("メールアドレスを入力してください。"), Length(max=254)],
    )
    password = PasswordField(
        "パスワード",
        validators=[DataRequired("パスワードを入力してください。"), Length(max=200)],
    )
